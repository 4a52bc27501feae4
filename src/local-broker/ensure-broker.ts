import { homedir } from 'node:os';
import { startAttachedLocalBroker } from './attached-broker.js';
import { BrokerUnreachableError, NoBrokerAvailableError } from './broker-errors.js';
import type { BrokerHandle, BrokerLog } from './broker-handle.js';
import { oneLine, probeBroker } from '../runtime/kafka/client-facade.js';
import { resolveCacheDir } from './cache-paths.js';
import { defaultComposeFile, dockerComposeUsable, startDockerBroker } from './docker-broker.js';
import { missingLocalBrokerTools } from './missing-tools.js';
import { noBrokerMessage } from './no-broker-message.js';

export interface EnsureBrokerOptions {
  /** Defaults to process.env; read for KAFKA_BROKERS and the cache location. */
  readonly env?: NodeJS.ProcessEnv;
  /** Client port for a locally started broker; a free one is picked when absent. */
  readonly port?: number;
  readonly cacheDir?: string;
  readonly composeFile?: string;
  readonly log?: BrokerLog;
}

// The whole KAFKA_BROKERS check stays well inside 30 s even for an address that drops packets.
const ENV_PROBE_DEADLINE_MS = 20_000;

/** Fails with one line naming the address when KAFKA_BROKERS does not answer a metadata request. */
export async function checkEnvBrokers(brokers: string): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_resolve, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer within ${ENV_PROBE_DEADLINE_MS / 1000} s`)), ENV_PROBE_DEADLINE_MS);
  });
  try {
    await Promise.race([probeBroker(brokers, { connectionTimeoutMs: 3_000, retries: 2 }), deadline]);
  } catch (error) {
    const why = error instanceof Error ? oneLine(error.message) : String(error);
    throw new BrokerUnreachableError(`KAFKA_BROKERS=${brokers} does not answer: ${why}`, error);
  } finally {
    clearTimeout(timer);
  }
}

/**
 * A broker to use, in the order of docs/design.md section 5: KAFKA_BROKERS if set (nothing is started);
 * else the kafka service of docker/docker-compose.yml where a Docker engine answers; else Apache
 * Kafka started locally from the jars on Maven Central. stop() on the handle undoes only what this
 * call started.
 */
export async function ensureBroker(options: EnsureBrokerOptions = {}): Promise<BrokerHandle> {
  const env = options.env ?? process.env;
  const log = options.log ?? (() => undefined);
  const fromEnv = env.KAFKA_BROKERS?.trim();
  if (fromEnv) {
    await checkEnvBrokers(fromEnv);
    return { brokers: fromEnv, startedHere: false, how: 'env', startupMs: 0, stop: async () => undefined };
  }

  const composeFile = options.composeFile ?? defaultComposeFile();
  if (options.port === undefined && (await dockerComposeUsable(composeFile))) {
    return startDockerBroker({ composeFile, log });
  }

  const cacheDir = options.cacheDir ?? resolveCacheDir(env, homedir());
  const missingTools = await missingLocalBrokerTools(cacheDir);
  if (missingTools.length > 0) {
    throw new NoBrokerAvailableError(noBrokerMessage({ docker: 'no Docker engine with `docker compose` answers', missingTools }));
  }
  return startAttachedLocalBroker({ cacheDir, log, ...(options.port === undefined ? {} : { port: options.port }) });
}
