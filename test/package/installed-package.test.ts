import { execFile } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

/**
 * The package as a user gets it: built, packed with `npm pack` (so package.json's `files` and
 * `exports` are what is tested), installed into an empty project in a temporary directory, and used
 * from there — the library, `cdc-streams/testing`, the CLI on the shipped example topology and on a
 * topology written as the README shows. The project's package.json does not say `"type": "module"`.
 */
const run = promisify(execFile);
const REPO = resolve('.');
const MINUTES = 60_000;

interface Ran {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

async function sh(command: string, args: readonly string[], cwd: string): Promise<Ran> {
  try {
    const { stdout, stderr } = await run(command, [...args], { cwd, env: { ...process.env, NODE_OPTIONS: '' }, maxBuffer: 16 * 1024 * 1024 });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const failed = error as { code?: number; stdout?: string; stderr?: string };
    return { code: typeof failed.code === 'number' ? failed.code : -1, stdout: failed.stdout ?? '', stderr: failed.stderr ?? '' };
  }
}

async function ok(command: string, args: readonly string[], cwd: string): Promise<Ran> {
  const ran = await sh(command, args, cwd);
  if (ran.code !== 0) throw new Error(`${command} ${args.join(' ')} (in ${cwd}) exited ${ran.code}:\n${ran.stdout}\n${ran.stderr}`);
  return ran;
}

/** The code block that follows `<!-- example: name -->` in the README. */
function readmeExample(name: string): string {
  const readme = readFileSync(join(REPO, 'README.md'), 'utf8');
  const marker = readme.indexOf(`<!-- example: ${name} -->`);
  if (marker < 0) throw new Error(`README.md has no example marked ${name}`);
  const block = /```\w*\n([\s\S]*?)```/.exec(readme.slice(marker));
  if (block?.[1] === undefined) throw new Error(`no code block after the ${name} marker`);
  return block[1];
}

describe('the installed package', () => {
  let work: string;
  let project: string;
  const cli = (...args: string[]) => sh(join(project, 'node_modules', '.bin', 'cdc-streams'), args, project);

  beforeAll(async () => {
    work = mkdtempSync(join(tmpdir(), 'cdc-streams-package-'));
    // A copy of what `npm pack` takes from the repository, built there, so the repository's dist/ is left alone.
    const stage = join(work, 'stage');
    const manifest = JSON.parse(readFileSync(join(REPO, 'package.json'), 'utf8')) as { files: string[] };
    mkdirSync(stage);
    for (const entry of ['package.json', 'README.md', ...manifest.files.filter((f) => f !== 'dist')]) cpSync(join(REPO, entry), join(stage, entry), { recursive: true });
    await ok(process.execPath, [join(REPO, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', join(REPO, 'tsconfig.build.json'), '--outDir', join(stage, 'dist')], REPO);
    await ok('npm', ['pack', '--pack-destination', work], stage);
    const tarball = readdirSync(work).find((f) => f.endsWith('.tgz'));
    if (tarball === undefined) throw new Error('npm pack wrote no tarball');

    project = join(work, 'project');
    mkdirSync(project);
    writeFileSync(join(project, 'package.json'), JSON.stringify({ name: 'first-hour', version: '1.0.0', private: true }));
    // From the npm cache where it can (CI has just run npm ci); the registry for anything missing.
    await ok('npm', ['install', '--prefer-offline', '--no-audit', '--no-fund', join(work, tarball)], project);
    writeFileSync(join(project, 'my-topology.ts'), readmeExample('my-topology.ts'));
  }, 10 * MINUTES);

  afterAll(() => {
    if (work !== undefined) rmSync(work, { recursive: true, force: true });
  }, MINUTES);

  it('validates the shipped example topology, which imports the package by its name', async () => {
    const ran = await cli('validate', 'node_modules/cdc-streams/topologies/sale-orders.ts');
    expect(ran).toMatchObject({ code: 0, stdout: 'valid: 2 sub-topologies, 5 stores\n' });
  });

  it("validates a topology written as the README shows, in a folder without \"type\": \"module\" and without schemas/", async () => {
    expect(JSON.parse(readFileSync(join(project, 'package.json'), 'utf8'))).not.toHaveProperty('type');
    const ran = await cli('validate', 'my-topology.ts', '--set', 'suffix=?');
    expect(ran).toMatchObject({ code: 0, stdout: 'valid: 1 sub-topology, 0 stores\n' });
  });

  it('names a --set key the topology does not read', async () => {
    const ran = await cli('validate', 'my-topology.ts', '--set', 'sufix=?');
    expect(ran.code).toBe(2);
    expect(ran.stderr).toContain("unknown topology parameter 'sufix' (--set): my-topology.ts reads suffix");
  });

  it("reads read_committed with cdc-streams' filter for aborted transactions, though the installed kafkajs is not patched", async () => {
    // Two transactions aborted in the reverse order they began, then a committed record: kafkajs' own
    // filter delivers the first transaction's records (docs/reliability.md, "Aborted records read as committed").
    const script = [
      "import('cdc-streams').then(() => {",
      "  const Batch = require('kafkajs/src/consumer/batch.js');",
      "  const record = (offset, producerId, control) => ({ offset: String(offset), key: Buffer.from(control ? [0, 0, 0, 0] : [1]), value: null, isControlRecord: control, batchContext: { producerId, inTransaction: true } });",
      "  const messages = [record(0, '1', false), record(1, '2', false), record(2, '1', false), record(3, '2', true), record(4, '1', true), record(5, '3', false)];",
      "  const aborted = [{ producerId: '2', firstOffset: '1' }, { producerId: '1', firstOffset: '0' }];",
      "  const batch = new Batch('t', '0', { partition: 0, highWatermark: '7', messages, abortedTransactions: aborted });",
      "  console.log(JSON.stringify(batch.messages.map((m) => m.offset)));",
      "});",
    ].join('\n');
    writeFileSync(join(project, 'read-committed.cjs'), script);
    const ran = await ok(process.execPath, ['read-committed.cjs'], project);
    expect(ran.stdout.trim()).toBe('["5"]');
  });

  it('runs the README\'s TopologyTestDriver test against cdc-streams/testing', async () => {
    const tests = join(project, 'esm-tests');
    mkdirSync(tests);
    writeFileSync(join(tests, 'package.json'), JSON.stringify({ type: 'module' }));
    writeFileSync(join(tests, 'my-topology.ts'), readmeExample('my-topology.ts'));
    writeFileSync(join(tests, 'my-topology.test.ts'), readmeExample('my-topology.test.ts'));
    const ran = await sh(process.execPath, ['--import', 'tsx', '--test', 'my-topology.test.ts'], tests);
    expect(ran.code, `${ran.stdout}\n${ran.stderr}`).toBe(0);
    expect(ran.stdout).toMatch(/# pass 1\b/);
  });
});
