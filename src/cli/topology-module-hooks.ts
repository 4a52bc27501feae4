import { register } from 'node:module';
import { MessageChannel } from 'node:worker_threads';

/**
 * Node module hooks active while a topology file is imported (they run in Node's hooks thread, so
 * they are plain JavaScript handed over as a data: URL):
 *
 * - `cdc-streams` and `cdc-streams/testing` resolve to the copy of the library this CLI runs. The
 *   topology then builds with the same classes the CLI runs it with, whether the CLI runs from
 *   dist/ or from src/ (tsx), is installed globally or in the project, or the project has no
 *   node_modules at all.
 * - A `.ts`/`.tsx`/`.js`/`.jsx` file outside node_modules is an ES module even where the nearest
 *   package.json does not say `"type": "module"` (a topology file ends with `export default`). Left
 *   to tsx, such a file is compiled to CommonJS and then fails with "Cannot require() ES Module ...
 *   in a cycle". `.cjs`/`.cts` files stay CommonJS.
 */
const HOOKS_SOURCE = `
let active = true;
let entries = {};
export function initialize(data) {
  entries = data.entries;
  data.port.on('message', () => { active = false; });
  data.port.unref();
}
const LOCAL_MODULE = /\\.(ts|tsx|js|jsx)$/;
export async function resolve(specifier, context, nextResolve) {
  if (active && Object.hasOwn(entries, specifier)) return { url: entries[specifier], shortCircuit: true };
  const result = await nextResolve(specifier, context);
  if (active && result.format === 'commonjs' && result.url.startsWith('file:') && !result.url.includes('/node_modules/')
      && LOCAL_MODULE.test(new URL(result.url).pathname)) {
    return { ...result, format: 'module' };
  }
  return result;
}
`;

/** This module's own entry points, as the URLs the running CLI imported them from. */
function ownEntries(): Record<string, string> {
  // From src/ under tsx the sources are .ts files; from dist/ they are .js.
  const extension = import.meta.url.endsWith('.ts') ? '.ts' : '.js';
  return {
    'cdc-streams': new URL(`../index${extension}`, import.meta.url).href,
    'cdc-streams/testing': new URL(`../testing/index${extension}`, import.meta.url).href,
  };
}

/**
 * Registers the hooks; call after tsx's `register()` so that they run first. Returns the function that
 * switches them off again (Node cannot unregister hooks; switched off they only pass calls on).
 */
export function activateTopologyModuleHooks(): () => void {
  const { port1, port2 } = new MessageChannel();
  register(`data:text/javascript,${encodeURIComponent(HOOKS_SOURCE)}`, {
    data: { entries: ownEntries(), port: port2 },
    transferList: [port2],
  });
  return () => {
    port1.postMessage('deactivate');
  };
}
