import type { Admin } from 'kafkajs';
import type { Logger } from '../../common/logger.js';
import { purgeableOffsets, recordsToDelete, type CommittedInput } from '../repartition-purge.js';

export interface RepartitionPurgerOptions {
  readonly admin: Admin;
  /** Internal topics the application's own tasks read (topologyTopics().repartition). */
  readonly repartitionTopics: readonly string[];
  readonly intervalMs: number;
  readonly logger: Logger;
  /** Offsets deleted from a topic by one request (records, transaction markers and control records alike). */
  readonly purged: (topic: string, records: number) => void;
  readonly clock?: () => number;
}

/**
 * Deletes what the application has consumed and committed from its repartition topics (docs/runtime.md,
 * "Purging repartition topics"), as Kafka Streams' `maybePurgeCommittedRecords` does: after a commit,
 * at most every `intervalMs`, one round at a time, in the background. A round reads each topic's log
 * start offsets and asks deleteRecords to move them up to the offsets the tasks committed. A failure is
 * a warning naming the topic and partitions; the next round asks again with newer offsets.
 */
export class RepartitionPurger {
  private readonly topics: ReadonlySet<string>;
  private readonly clock: () => number;
  private lastRoundAt: number;
  private round: Promise<void> | undefined;

  constructor(private readonly options: RepartitionPurgerOptions) {
    this.topics = new Set(options.repartitionTopics);
    this.clock = options.clock ?? Date.now;
    this.lastRoundAt = this.clock();
  }

  /** Starts a round if the interval has passed and none is running; never throws, never waits for it. */
  maybePurge(tasks: Iterable<CommittedInput>): void {
    if (this.topics.size === 0 || this.round !== undefined) return;
    const now = this.clock();
    if (now - this.lastRoundAt < this.options.intervalMs) return;
    this.lastRoundAt = now;
    // Taken now, at the end of a commit: only offsets the group already holds.
    const purgeable = purgeableOffsets(tasks, this.topics);
    if (purgeable.size === 0) return;
    this.round = this.purge(purgeable).finally(() => {
      this.round = undefined;
    });
  }

  /** Resolves once no round is running (before the admin client disconnects). */
  async idle(): Promise<void> {
    await this.round;
  }

  private async purge(purgeable: ReadonlyMap<string, ReadonlyMap<number, bigint>>): Promise<void> {
    for (const [topic, offsets] of purgeable) {
      let deletions: ReturnType<typeof recordsToDelete> = [];
      try {
        const logStart = new Map((await this.options.admin.fetchTopicOffsets(topic)).map((p) => [p.partition, BigInt(p.low)]));
        deletions = recordsToDelete(offsets, logStart);
        if (deletions.length === 0) continue;
        await this.options.admin.deleteTopicRecords({ topic, partitions: deletions.map((d) => ({ partition: d.partition, offset: d.offset.toString() })) });
        this.options.purged(
          topic,
          Number(deletions.reduce((sum, d) => sum + d.records, 0n)),
        );
      } catch (error) {
        const where = deletions.length > 0 ? deletions.map((d) => `${topic}/${d.partition} below offset ${d.offset}`).join(', ') : `${topic} (partitions ${[...offsets.keys()].join(', ')})`;
        this.options.logger.warn(`purging consumed repartition records failed for ${where}; trying again in the next round`, { topic, err: error });
      }
    }
  }
}
