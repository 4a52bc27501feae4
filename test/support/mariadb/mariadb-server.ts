import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { access, chmod, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { freePort } from '../apicurio/apicurio-process.js';

const run = promisify(execFile);

const SERVER = '/usr/sbin/mariadbd';
const INSTALL_DB = '/usr/bin/mariadb-install-db';
const CLIENT = '/usr/bin/mariadb';
const POLICY_RC_D = '/usr/sbin/policy-rc.d';

/**
 * Installs Debian's `mariadb-server` when it is missing (the tests run as root on a Debian machine).
 * Debian's package starts a system-wide server on 3306 after installing; a temporary policy-rc.d that
 * denies service starts keeps it from doing so (an existing one is left as it is), so nothing is left
 * running beyond the servers the tests start themselves.
 */
export async function ensureMariadbInstalled(log: (line: string) => void): Promise<void> {
  if (existsSync(SERVER) && existsSync(INSTALL_DB) && existsSync(CLIENT)) return;
  log('mariadb-server is not installed: apt-get update && apt-get install -y mariadb-server');
  const ownPolicy = !existsSync(POLICY_RC_D);
  if (ownPolicy) {
    await writeFile(POLICY_RC_D, '#!/bin/sh\n# written by the cdc-streams tests while they install mariadb-server\nexit 101\n');
    await chmod(POLICY_RC_D, 0o755);
  }
  try {
    const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
    await run('apt-get', ['update', '-qq'], { env, maxBuffer: 64 * 1024 * 1024 });
    await run('apt-get', ['install', '-y', '-qq', 'mariadb-server'], { env, maxBuffer: 64 * 1024 * 1024 });
  } finally {
    if (ownPolicy) await rm(POLICY_RC_D, { force: true });
  }
  await access(SERVER);
}

export interface MariadbOptions {
  /** `server_id`; binlog events and GTIDs carry it (`<domain>-<server_id>-<sequence>`). */
  readonly serverId?: number;
  readonly log?: (line: string) => void;
}

export interface RunningMariadb {
  readonly host: string;
  readonly port: number;
  readonly serverId: number;
  /**
   * Runs SQL as root through one `mariadb` client process (the script goes to its stdin, so a long
   * replay is one connection); resolves with its batch output: one tab-separated line per result row.
   */
  sql(script: string): Promise<string>;
  stop(): Promise<void>;
}

/**
 * A throw-away MariaDB server for one test run: its own data directory and socket under the temp
 * folder, a free loopback port, the binlog on in ROW format with full row images (what Debezium needs),
 * GTIDs in strict mode. stop() shuts it down and deletes the data directory.
 */
export async function startMariadb(options: MariadbOptions = {}): Promise<RunningMariadb> {
  const log = options.log ?? (() => undefined);
  await ensureMariadbInstalled(log);
  const serverId = options.serverId ?? 101;
  const home = await mkdtemp(join(tmpdir(), 'cdc-streams-mariadb-'));
  const dataDir = join(home, 'data');
  const socket = join(home, 'mariadb.sock');
  await run(INSTALL_DB, ['--no-defaults', `--datadir=${dataDir}`, '--user=root', '--auth-root-authentication-method=normal', '--skip-test-db'], {
    maxBuffer: 16 * 1024 * 1024,
  });
  const port = await freePort();
  const child = spawn(
    SERVER,
    [
      '--no-defaults',
      '--user=root',
      `--datadir=${dataDir}`,
      `--port=${port}`,
      '--bind-address=127.0.0.1',
      `--socket=${socket}`,
      `--pid-file=${join(home, 'mariadb.pid')}`,
      `--log-bin=${join(dataDir, 'binlog')}`,
      '--binlog-format=ROW',
      '--binlog-row-image=FULL',
      `--server-id=${serverId}`,
      '--gtid-strict-mode=1',
      '--skip-name-resolve',
      '--innodb-buffer-pool-size=64M',
      '--max-allowed-packet=64M',
      '--default-time-zone=+00:00',
      '--character-set-server=utf8mb4',
      '--collation-server=utf8mb4_general_ci',
      `--log-error=${join(home, 'error.log')}`,
    ],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let output = '';
  const keep = (chunk: Buffer): void => {
    output = (output + chunk.toString('utf8')).slice(-8_000);
  };
  child.stdout?.on('data', keep);
  child.stderr?.on('data', keep);
  const killOnExit = (): void => {
    child.kill('SIGKILL');
  };
  process.on('exit', killOnExit);

  const client = (args: readonly string[], input?: string): Promise<string> =>
    new Promise((resolve, reject) => {
      const proc = spawn(CLIENT, ['--no-defaults', '-uroot', `--socket=${socket}`, '--default-character-set=utf8mb4', '--batch', '--skip-column-names', ...args], {
        stdio: ['pipe', 'pipe', 'pipe'],
      });
      const out: Buffer[] = [];
      let err = '';
      proc.stdout.on('data', (chunk: Buffer) => out.push(chunk));
      proc.stderr.on('data', (chunk: Buffer) => {
        err += chunk.toString('utf8');
      });
      proc.once('error', reject);
      proc.once('close', (code) => {
        if (code === 0) resolve(Buffer.concat(out).toString('utf8'));
        else reject(new Error(`mariadb client exited with ${String(code)}: ${err.trim()}`));
      });
      proc.stdin.end(input ?? '');
    });

  const deadline = Date.now() + 60_000;
  for (;;) {
    try {
      await client(['-e', 'SELECT 1']);
      break;
    } catch (error) {
      if (child.exitCode !== null || Date.now() > deadline) {
        await stopChild(child);
        process.off('exit', killOnExit);
        await rm(home, { recursive: true, force: true });
        throw new Error(`MariaDB did not start (exit code ${String(child.exitCode)}): ${String(error)}\n${output}`);
      }
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
  }
  log(`MariaDB ${serverId} on 127.0.0.1:${port} (data ${dataDir})`);
  return {
    host: '127.0.0.1',
    port,
    serverId,
    sql: (script) => client([], script),
    async stop() {
      process.off('exit', killOnExit);
      await stopChild(child);
      await rm(home, { recursive: true, force: true });
    },
  };
}

function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    const force = setTimeout(() => child.kill('SIGKILL'), 20_000);
    child.once('exit', () => {
      clearTimeout(force);
      resolve();
    });
    child.kill('SIGTERM');
  });
}
