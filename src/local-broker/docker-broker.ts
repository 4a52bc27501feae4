import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { BrokerStartError } from './broker-errors.js';
import type { BrokerHandle, BrokerLog } from './broker-handle.js';
import { oneLine, waitForBroker } from '../runtime/kafka/client-facade.js';
import { commandSucceeds, runCommand, tail } from './run-command.js';

/** The address docker/docker-compose.yml publishes the broker on for the host. */
export const DOCKER_BROKERS = 'localhost:9092';
const UP_TIMEOUT_MS = 10 * 60_000;
// The first `up` may pull the image, and the container's JVM then needs its own start time.
const ANSWER_DEADLINE_MS = 120_000;

/** docker/docker-compose.yml of this checkout; the same relative path works from src/ and from dist/. */
export function defaultComposeFile(): string {
  return fileURLToPath(new URL('../../docker/docker-compose.yml', import.meta.url));
}

/** True when a Docker engine answers and `docker compose` exists; `docker info` alone can hang on a dead socket. */
export async function dockerComposeUsable(composeFile: string): Promise<boolean> {
  if (!existsSync(composeFile)) return false;
  if (!(await commandSucceeds('docker', ['info'], 5_000))) return false;
  return commandSucceeds('docker', ['compose', 'version'], 5_000);
}

/**
 * `docker compose up -d kafka` and wait for localhost:9092. If the service already ran, it is reused
 * and left running by stop(); otherwise stop() removes the container it created.
 */
export async function startDockerBroker(options: { composeFile: string; log: BrokerLog }): Promise<BrokerHandle> {
  const compose = (args: string[], timeoutMs: number) =>
    runCommand('docker', ['compose', '-f', options.composeFile, ...args], { timeoutMs });
  const started = Date.now();
  const running = await compose(['ps', '--status', 'running', '--quiet', 'kafka'], 30_000);
  const wasRunning = running.exitCode === 0 && running.output.trim() !== '';
  if (!wasRunning) {
    options.log(`starting the kafka service of ${options.composeFile}`);
    const up = await compose(['up', '-d', 'kafka'], UP_TIMEOUT_MS);
    if (up.exitCode !== 0) {
      throw new BrokerStartError(`docker compose -f ${options.composeFile} up -d kafka failed:\n${tail(up.output, 20)}`);
    }
  }
  try {
    await waitForBroker(DOCKER_BROKERS, { deadlineMs: ANSWER_DEADLINE_MS });
  } catch (error) {
    const logs = await compose(['logs', '--tail', '30', 'kafka'], 30_000);
    const why = error instanceof Error ? oneLine(error.message) : String(error);
    throw new BrokerStartError(`the Docker kafka service did not answer on ${DOCKER_BROKERS}: ${why}\n${logs.output}`, error);
  }
  const startupMs = Date.now() - started;
  options.log(`Docker Kafka answers on ${DOCKER_BROKERS} after ${(startupMs / 1000).toFixed(1)} s`);

  let stopping: Promise<void> | undefined;
  return {
    brokers: DOCKER_BROKERS,
    startedHere: !wasRunning,
    how: 'docker',
    startupMs: wasRunning ? 0 : startupMs,
    stop: () => {
      stopping ??= (async () => {
        if (wasRunning) return;
        const rm = await compose(['rm', '--stop', '--force', 'kafka'], 120_000);
        if (rm.exitCode !== 0) {
          throw new BrokerStartError(`docker compose rm --stop --force kafka failed:\n${tail(rm.output, 20)}`);
        }
      })();
      return stopping;
    },
  };
}
