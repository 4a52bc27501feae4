/**
 * Runs every example session of docs/cli.md and compares each output's shape with the docs
 * (scripts/cli-doc-examples.ts): `npm run docs:check`. With `--update` it writes what the commands
 * printed into the docs instead, so the outputs there come from a run, not from a keyboard.
 *
 * The commands run the CLI from this checkout's sources, in a scratch directory that links
 * `topologies/` and `schemas/`, against a broker of their own (the project's launcher starts one;
 * the examples name fixed topics, so a shared broker is only used when DOCS_CHECK_BROKERS names it).
 * In commands, `localhost:9092` becomes that broker and port 8080 a free port. No schema registry.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ensureBroker } from '../src/local-broker/index.js';
import { outputShape, parseDocExamples, shellWords, withOutputs, type DocExample } from './cli-doc-examples.js';

const REPO = resolve(fileURLToPath(new URL('..', import.meta.url)));
const DOC = join(REPO, 'docs', 'cli.md');
const CLI = [join(REPO, 'node_modules', 'tsx', 'dist', 'cli.mjs'), join(REPO, 'src', 'cli', 'main.ts')];
/** Commands that only read: run again while a background application is still catching up. */
const EVENTUALLY = new Set(['query', 'verify', 'inspect']);
const EVENTUALLY_MS = 120_000;
const COMMAND_TIMEOUT_MS = 300_000;

interface Ran {
  readonly stdout: string;
  readonly stderr: string;
  readonly code: number;
}

function freePort(): Promise<number> {
  return new Promise((resolvePort, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => (typeof address === 'object' && address !== null ? resolvePort(address.port) : reject(new Error('no port'))));
    });
  });
}

function start(args: readonly string[], cwd: string, env: NodeJS.ProcessEnv): ChildProcess {
  return spawn(process.execPath, [...CLI, ...args], { cwd, env, stdio: ['ignore', 'pipe', 'pipe'] });
}

function runToEnd(args: readonly string[], cwd: string, env: NodeJS.ProcessEnv): Promise<Ran> {
  return new Promise((resolveRun, reject) => {
    const child = start(args, cwd, env);
    let stdout = '';
    let stderr = '';
    child.stdout?.on('data', (chunk: Buffer) => (stdout += chunk.toString('utf8')));
    child.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
    const timer = setTimeout(() => child.kill('SIGKILL'), COMMAND_TIMEOUT_MS);
    child.once('error', reject);
    child.once('close', (code) => {
      clearTimeout(timer);
      resolveRun({ stdout, stderr, code: code ?? -1 });
    });
  });
}

/** What the docs show of a run: stdout; when it failed, stderr and the exit code too. */
function shown(ran: Ran): string[] {
  const lines = ran.stdout.split('\n');
  if (lines[lines.length - 1] === '') lines.pop();
  if (ran.code === 0) return lines;
  const errors = ran.stderr.split('\n').filter((line) => line !== '');
  return [...lines, ...errors, `[exit ${ran.code}]`];
}

function sameShape(expected: readonly string[], actual: readonly string[]): boolean {
  const [a, b] = [outputShape(expected), outputShape(actual)];
  return a.length === b.length && a.every((line, i) => line === b[i]);
}

async function main(): Promise<void> {
  const update = process.argv.includes('--update');
  const examples = parseDocExamples(readFileSync(DOC, 'utf8'));
  const broker = await ensureBroker({
    env: { ...process.env, KAFKA_BROKERS: process.env['DOCS_CHECK_BROKERS'] ?? '' },
    log: (line) => process.stderr.write(`${line}\n`),
  });
  const work = mkdtempSync(join(tmpdir(), 'cdc-streams-docs-'));
  for (const folder of ['topologies', 'schemas']) symlinkSync(join(REPO, folder), join(work, folder));
  const port = String(await freePort());
  const env: NodeJS.ProcessEnv = { ...process.env, KAFKA_BROKERS: broker.brokers };
  delete env['SCHEMA_REGISTRY_URL'];
  const background: ChildProcess[] = [];
  const outputs = new Map<DocExample, string[]>();
  let failures = 0;
  try {
    for (const example of examples) {
      const command = example.command.replaceAll('localhost:9092', broker.brokers).replace(/\b8080\b/g, port);
      const words = shellWords(command);
      process.stderr.write(`docs/cli.md:${example.line + 1}: $ ${example.command}${example.background ? ' &' : ''}\n`);
      const kill = /^kill %(\d+)$/.exec(command);
      if (kill !== null) {
        const job = background[Number(kill[1]) - 1];
        if (job === undefined) throw new Error(`docs/cli.md:${example.line + 1}: no background job ${kill[1]}`);
        await new Promise<void>((done) => {
          job.once('close', () => done());
          job.kill('SIGTERM');
        });
        continue;
      }
      if (words[0] !== 'cdc-streams') throw new Error(`docs/cli.md:${example.line + 1}: examples run cdc-streams commands, not '${words[0] ?? ''}'`);
      const args = words.slice(1);
      if (example.background) {
        const job = start(args, work, env);
        job.stderr?.pipe(process.stderr);
        background.push(job);
        // Started once it has said something (a `run` logs that the application started).
        await new Promise<void>((started, failed) => {
          job.stderr?.once('data', () => started());
          job.once('close', (code) => failed(new Error(`docs/cli.md:${example.line + 1}: background command exited ${code}`)));
        });
        continue;
      }
      const deadline = Date.now() + (EVENTUALLY.has(args[0] ?? '') ? EVENTUALLY_MS : 0);
      let actual = shown(await runToEnd(args, work, env));
      while (!update && !sameShape(example.expected, actual) && Date.now() < deadline) {
        await new Promise((wait) => setTimeout(wait, 2000));
        actual = shown(await runToEnd(args, work, env));
      }
      outputs.set(example, actual);
      if (!update && !sameShape(example.expected, actual)) {
        failures += 1;
        process.stderr.write(`  output differs from the docs:\n--- docs\n${example.expected.join('\n')}\n--- run\n${actual.join('\n')}\n`);
      }
    }
  } finally {
    for (const job of background) if (job.exitCode === null) job.kill('SIGTERM');
    await broker.stop();
    rmSync(work, { recursive: true, force: true });
  }
  if (update) {
    writeFileSync(DOC, withOutputs(readFileSync(DOC, 'utf8'), outputs));
    process.stderr.write(`docs/cli.md: ${outputs.size} outputs written\n`);
    return;
  }
  process.stderr.write(failures === 0 ? `docs/cli.md: all ${examples.length} examples match\n` : `docs/cli.md: ${failures} example(s) differ\n`);
  if (failures > 0) process.exitCode = 1;
}

await main();
