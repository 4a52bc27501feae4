import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import { Kafka, logLevel, type Message } from 'kafkajs';
import type { JobResult } from './bench-jobs.js';
import { load1 } from './bench-stats.js';
import type { TimedRun } from './bench-report.js';
import { RESTORE_STORE } from './restore-topology.js';
import { startStageProcess } from './stage-process.js';

const PARTITIONS = 6;
export const RESTORE_VALUE_BYTES = 100;

/**
 * Fills `<applicationId>-kv-changelog` with `keys` records in the store's serialized format (key: the
 * string's UTF-8 bytes, value: raw bytes), key i on partition i mod 6, and creates the empty input topic.
 * Returns the seconds the write took.
 */
export async function fillChangelog(brokers: string, applicationId: string, inputTopic: string, keys: number): Promise<number> {
  const kafka = new Kafka({ clientId: 'bench-restore-fill', brokers: brokers.split(','), logLevel: logLevel.WARN });
  const admin = kafka.admin();
  const producer = kafka.producer({ idempotent: true, maxInFlightRequests: 1, allowAutoTopicCreation: false });
  await Promise.all([admin.connect(), producer.connect()]);
  const started = Date.now();
  try {
    await admin.createTopics({
      waitForLeaders: true,
      topics: [
        { topic: inputTopic, numPartitions: PARTITIONS },
        { topic: `${applicationId}-${RESTORE_STORE}-changelog`, numPartitions: PARTITIONS, configEntries: [{ name: 'cleanup.policy', value: 'compact' }] },
      ],
    });
    const value = Buffer.alloc(RESTORE_VALUE_BYTES, 0x61);
    let batch: Message[] = [];
    const send = async (): Promise<void> => {
      await producer.sendBatch({ acks: -1, topicMessages: [{ topic: `${applicationId}-${RESTORE_STORE}-changelog`, messages: batch }] });
      batch = [];
    };
    for (let i = 0; i < keys; i++) {
      batch.push({ partition: i % PARTITIONS, key: Buffer.from(`key-${String(i).padStart(8, '0')}`), value });
      if (batch.length >= 6_000) await send();
    }
    if (batch.length > 0) await send();
  } finally {
    await producer.disconnect();
    await admin.disconnect();
  }
  return (Date.now() - started) / 1000;
}

/** One restore: an empty state dir, the app started in a child process, timed until ready. */
export async function timeRestore(brokers: string, applicationId: string, inputTopic: string, keys: number, workDir: string, rep: number): Promise<TimedRun> {
  const stateDir = join(workDir, `restore-state-${rep}`);
  const loadBefore = load1();
  const result: JobResult = await startStageProcess({ kind: 'restore', brokers, inputTopic, applicationId, stateDir, expectedKeys: keys }).result;
  const loadAfter = load1();
  await rm(stateDir, { recursive: true, force: true });
  return { result, loadBefore, loadAfter };
}
