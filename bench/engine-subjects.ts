import { fileURLToPath } from 'node:url';
import type { Guarantee } from './bench-jobs.js';
import { startWatchedProcess, type WatchedProcess } from './watched-process.js';

const REPO = fileURLToPath(new URL('..', import.meta.url));
const ENGINE_TOPOLOGY = fileURLToPath(new URL('./engine-topology.ts', import.meta.url));
const RELAY = fileURLToPath(new URL('./relay-process.ts', import.meta.url));
const CLI = fileURLToPath(new URL('../src/cli/main.ts', import.meta.url));

/** What runs the engine workload: the two engines, and the bare client as the ceiling. */
export type EngineSubject = 'cdc-streams' | 'cdc-streams-2-threads' | 'kafka-streams' | 'kafkajs';

export const SUBJECT_LABELS: Readonly<Record<EngineSubject, string>> = {
  'cdc-streams': 'cdc-streams (`cdc-streams run`)',
  'cdc-streams-2-threads': 'cdc-streams `--threads 2`',
  'kafka-streams': 'Kafka Streams 3.9.1',
  kafkajs: 'kafkajs consume → produce (ceiling)',
};

/** One run's settings, the same for every subject. */
export interface SubjectRun {
  readonly brokers: string;
  readonly inputTopic: string;
  readonly outputTopic: string;
  /** Also the consumer group. */
  readonly applicationId: string;
  readonly stateDir: string;
  /** The relay ignores it (it has no transactions). */
  readonly guarantee: Guarantee;
  readonly commitIntervalMs: number;
  /** Writes a `node --cpu-prof` profile of each cdc-streams run into this directory. */
  readonly cpuProfileDir?: string;
  /** The Kafka Streams peer's jar (bench/kafka-streams-peer.ts). */
  readonly peerJar: string;
}

/** Starts one subject on the engine workload as its own process; it runs until SIGTERM. */
export function startSubject(subject: EngineSubject, run: SubjectRun): Promise<WatchedProcess> {
  const commitIntervalMs = String(run.commitIntervalMs);
  switch (subject) {
    case 'cdc-streams':
    case 'cdc-streams-2-threads':
      // `cdc-streams run` as `npm run cli -- run` starts it, minus the tsx wrapper process, so the
      // process measured is the one doing the work.
      return startWatchedProcess(
        subject,
        process.execPath,
        [
          ...(run.cpuProfileDir === undefined ? [] : ['--cpu-prof', '--cpu-prof-dir', run.cpuProfileDir]),
          '--import',
          'tsx',
          CLI,
          'run',
          ENGINE_TOPOLOGY,
          '--brokers',
          run.brokers,
          '--application-id',
          run.applicationId,
          '--state-dir',
          run.stateDir,
          '--guarantee',
          run.guarantee,
          '--commit-interval-ms',
          commitIntervalMs,
          '--log-level',
          'warn',
          '--set',
          `inputTopic=${run.inputTopic}`,
          '--set',
          `outputTopic=${run.outputTopic}`,
          ...(subject === 'cdc-streams-2-threads' ? ['--threads', '2'] : []),
        ],
        { cwd: REPO },
      );
    case 'kafka-streams':
      return startWatchedProcess(
        subject,
        'java',
        [
          '-jar',
          run.peerJar,
          '--brokers',
          run.brokers,
          '--input-topic',
          run.inputTopic,
          '--output-topic',
          run.outputTopic,
          '--application-id',
          run.applicationId,
          '--state-dir',
          run.stateDir,
          '--guarantee',
          run.guarantee,
          '--commit-interval-ms',
          commitIntervalMs,
        ],
        { cwd: REPO },
      );
    case 'kafkajs':
      return startWatchedProcess(
        subject,
        process.execPath,
        [
          '--import',
          'tsx',
          RELAY,
          JSON.stringify({
            brokers: run.brokers,
            inputTopic: run.inputTopic,
            outputTopic: run.outputTopic,
            groupId: run.applicationId,
            commitIntervalMs: run.commitIntervalMs,
          }),
        ],
        { cwd: REPO },
      );
  }
}
