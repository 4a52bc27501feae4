import { mkdtemp, rm } from 'node:fs/promises';
import { randomUUID } from 'node:crypto';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { KafkaTestKit } from './kafka-test-kit.js';

/** One run of the e2e count topology (test/fixtures/topologies/e2e-count.ts): its id, topics and state. */
export interface CountScenario {
  readonly applicationId: string;
  readonly topics: { readonly input: string; readonly mapped: string; readonly counts: string };
  readonly stateDir: string;
}

const stateDirs: string[] = [];

/** A fresh application id and topics, a 6-partition input holding `messages`, and an empty state directory. */
export async function prepareCountScenario(
  kit: KafkaTestKit,
  name: string,
  messages: ReadonlyArray<{ key: string; value: string }>,
): Promise<CountScenario> {
  const applicationId = `e2e-${name}-${randomUUID().slice(0, 8)}`;
  const topics = { input: `${applicationId}-in`, mapped: `${applicationId}-ids`, counts: `${applicationId}-counts` };
  await kit.createTopic(topics.input, 6);
  await kit.produce(topics.input, messages);
  const stateDir = await mkdtemp(join(tmpdir(), `e2e-${name}-`));
  stateDirs.push(stateDir);
  return { applicationId, topics, stateDir };
}

/** Removes the state directories the scenarios of this test file made (afterAll). */
export async function removeScenarioDirs(): Promise<void> {
  for (const dir of stateDirs.splice(0)) await rm(dir, { recursive: true, force: true });
}
