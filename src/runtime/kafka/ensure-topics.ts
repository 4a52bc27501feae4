import type { Admin } from 'kafkajs';
import type { TopicPlan } from '../topic-plan.js';
import { createTopicsWithLeaders } from './create-topics.js';

/** How long a refused growth waits for the metadata to show the other instance's growth. */
const GROWN_ELSEWHERE_WAIT_MS = 15_000;

/**
 * Grows topics to at least the planned partition counts. Another instance may be growing them at the
 * same moment: the broker then refuses the request (INVALID_PARTITIONS, "already has N partitions"),
 * and the metadata may not show the new count for a moment — so a refusal is fine once the metadata
 * shows the count, read again for up to GROWN_ELSEWHERE_WAIT_MS.
 */
export async function growTopics(admin: Admin, grow: TopicPlan['grow']): Promise<void> {
  for (const { topic, partitions } of grow) {
    try {
      await admin.createPartitions({ topicPartitions: [{ topic, count: partitions }] });
    } catch (error) {
      const refused = typeof error === 'object' && error !== null && (error as { type?: unknown }).type === 'INVALID_PARTITIONS';
      if (!(await grewElsewhere(admin, topic, partitions, refused ? GROWN_ELSEWHERE_WAIT_MS : 0))) throw error;
    }
  }
}

async function grewElsewhere(admin: Admin, topic: string, partitions: number, waitMs: number): Promise<boolean> {
  const deadline = Date.now() + waitMs;
  for (;;) {
    const [metadata] = (await admin.fetchTopicMetadata({ topics: [topic] })).topics;
    if ((metadata?.partitions.length ?? 0) >= partitions) return true;
    if (Date.now() >= deadline) return false;
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}

/** Creates and grows the planned topics; a topic created concurrently by another instance is fine. */
export async function applyTopicPlan(admin: Admin, plan: TopicPlan, replicationFactor: number): Promise<void> {
  if (plan.create.length > 0) {
    await createTopicsWithLeaders(
      admin,
      plan.create.map((t) => ({
        topic: t.topic,
        numPartitions: t.partitions,
        replicationFactor,
        // Records carry event time, which may lie far in the past (a replayed binlog): time-based
        // retention would delete them before they are read. Kafka Streams sets the same on repartition topics.
        configEntries: t.compacted ? [{ name: 'cleanup.policy', value: 'compact' }] : [{ name: 'retention.ms', value: '-1' }],
      })),
    );
  }
  if (plan.grow.length > 0) await growTopics(admin, plan.grow);
}
