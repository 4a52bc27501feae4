import type { Admin } from 'kafkajs';
import type { Logger } from '../../common/logger.js';
import { whenKafkaReady } from './kafka-not-ready.js';

/**
 * Warns, per partition of the application's input topics, when records it has not read were deleted
 * before it could: the group's committed offset (or, with none, offset 0) is below the partition's log
 * start offset. CDC input carries old event times, and the broker's time-based retention (7 days by
 * default) deletes such records soon after they are written; otherwise the application would wait for
 * them silently.
 *
 * Called when the application starts, before its consumer fetches: on a fetch below the log start
 * kafkajs commits its default offset for the group (OffsetManager.setDefaultOffset), and the committed
 * offset that told what was lost is gone by the time a task is assigned.
 */
export async function warnAboutDeletedInput(admin: Admin, logger: Logger, groupId: string, topics: readonly string[]): Promise<void> {
  if (topics.length === 0) return;
  // The first start on a fresh broker meets its group coordinator still loading.
  const committed = await whenKafkaReady(`reading the committed offsets of group ${groupId}`, () => admin.fetchOffsets({ groupId, topics: [...topics] }));
  for (const topic of topics) {
    const byPartition = new Map((committed.find((c) => c.topic === topic)?.partitions ?? []).map((p) => [p.partition, BigInt(p.offset)]));
    for (const offsets of await whenKafkaReady(`reading the offsets of ${topic}`, () => admin.fetchTopicOffsets(topic))) {
      const low = BigInt(offsets.low);
      const offset = byPartition.get(offsets.partition);
      const isCommitted = offset !== undefined && offset >= 0n;
      const start = isCommitted ? offset : 0n;
      if (start >= low) continue;
      const where = isCommitted
        ? `the committed offset ${start} is below the log start offset ${low}`
        : `no committed offset, and the log starts at offset ${low}`;
      logger.warn(
        `input ${topic}/${offsets.partition}: ${where}: ${low - start} record(s) were deleted (by retention, or deleteRecords) before this application read them`,
        {
          topic,
          partition: offsets.partition,
          startOffset: start.toString(),
          logStartOffset: low.toString(),
          endOffset: offsets.high,
          hint: "check the topic's retention.ms / retention.bytes: CDC records carry old event times",
        },
      );
    }
  }
}
