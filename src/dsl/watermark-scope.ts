import type { DslContext } from './dsl-context.js';
import type { WatermarkScope } from './stream-time.js';

/**
 * Whether the records reaching `nodeName` were read back from a repartition topic (watermarks then come
 * from every upstream task, and the operator takes their minimum) or come from this task's own source.
 * Follows parent links up to the sources; any path through an internal topic counts.
 */
export function watermarkScopeOf(ctx: DslContext, nodeName: string): WatermarkScope {
  const seen = new Set<string>();
  const pending = [nodeName];
  while (pending.length > 0) {
    const name = pending.pop()!;
    if (seen.has(name)) continue;
    seen.add(name);
    const node = ctx.builder.node(name);
    if (node === undefined) continue;
    if (node.kind === 'source') {
      if (node.topics.some((topic) => topic.internal)) return 'upstream-tasks';
      continue;
    }
    pending.push(...node.parents);
  }
  return 'this-task';
}
