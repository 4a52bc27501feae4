import type { Admin } from 'kafkajs';
import type { Logger } from '../../common/logger.js';

/** Where a task starts reading one input partition: its group's committed offset, or the beginning. */
export interface InputStart {
  readonly topic: string;
  readonly partition: number;
  readonly offset: bigint;
  readonly committed: boolean;
}

/**
 * Warns, per input partition, when records the application has not read were deleted before it could:
 * its committed offset (or, with none, offset 0) is below the partition's log start offset. CDC input
 * carries old event times, and the broker's time-based retention (7 days by default) deletes such
 * records soon after they are written; otherwise the application would wait for them silently.
 */
export async function warnAboutDeletedInput(admin: Admin, logger: Logger, starts: readonly InputStart[]): Promise<void> {
  for (const topic of new Set(starts.map((s) => s.topic))) {
    const logStart = new Map((await admin.fetchTopicOffsets(topic)).map((o) => [o.partition, { low: BigInt(o.low), high: BigInt(o.high) }]));
    for (const start of starts.filter((s) => s.topic === topic)) {
      const offsets = logStart.get(start.partition);
      if (offsets === undefined || start.offset >= offsets.low) continue;
      const deleted = offsets.low - start.offset;
      const where = start.committed
        ? `the committed offset ${start.offset} is below the log start offset ${offsets.low}`
        : `no committed offset, and the log starts at offset ${offsets.low}`;
      logger.warn(
        `input ${topic}/${start.partition}: ${where}: ${deleted} record(s) were deleted (by retention, or deleteRecords) before this application read them`,
        {
          topic,
          partition: start.partition,
          startOffset: start.offset.toString(),
          logStartOffset: offsets.low.toString(),
          endOffset: offsets.high.toString(),
          hint: "check the topic's retention.ms / retention.bytes: CDC records carry old event times",
        },
      );
    }
  }
}
