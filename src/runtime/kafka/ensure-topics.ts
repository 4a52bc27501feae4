import type { Admin } from 'kafkajs';
import type { TopicPlan } from '../topic-plan.js';
import { createTopicsWithLeaders } from './create-topics.js';

/**
 * Grows topics to at least the planned partition counts. Another instance may be growing them at the
 * same moment: a topic that already has the count (the broker then refuses the request) is fine.
 */
export async function growTopics(admin: Admin, grow: TopicPlan['grow']): Promise<void> {
  for (const { topic, partitions } of grow) {
    try {
      await admin.createPartitions({ topicPartitions: [{ topic, count: partitions }] });
    } catch (error) {
      const [metadata] = (await admin.fetchTopicMetadata({ topics: [topic] })).topics;
      if ((metadata?.partitions.length ?? 0) >= partitions) continue;
      throw error;
    }
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
  if (plan.grow.length > 0) {
    await admin.createPartitions({ topicPartitions: plan.grow.map((g) => ({ topic: g.topic, count: g.partitions })) });
  }
}
