import type { InputPartitionsReading } from '../../processor/processor-context.js';
import { KAFKA_DEFAULT_MAX_MESSAGE_BYTES } from '../../common/constants.js';
import { CdcStreamsError } from '../../common/errors.js';
import type { TopicInfo } from '../task/topic-info.js';

/** What a worker thread's tasks know of topics, as the main thread last sent it. */
export interface TopicInfoSnapshot {
  readonly counts: ReadonlyArray<readonly [string, number]>;
  readonly limits: ReadonlyArray<readonly [string, number]>;
  readonly countRead: ReadonlyArray<readonly [string, number]>;
  readonly readsStarted: number;
  readonly groupRebalances: number;
}

/** Topic information that can be copied to another thread; `version` changes whenever it does. */
export interface ShareableTopicInfo extends TopicInfo {
  readonly version: number;
  snapshot(): TopicInfoSnapshot;
}

export class UnknownMirroredTopicError extends CdcStreamsError {
  constructor(topic: string) {
    super(`topic '${topic}' is unknown to this task thread`, { code: 'UNKNOWN_TOPIC' });
  }
}

/**
 * A worker thread's copy of the main thread's topic information. The main thread sends a new snapshot
 * before any message that follows a change, and messages arrive in order, so a task sees what the main
 * thread knew when it sent the work. For partition growth (docs/cdc.md) that is the safe side: the
 * number of metadata reads started is never more than the main thread's at the moment of observing.
 */
export class TopicInfoMirror implements TopicInfo {
  private counts = new Map<string, number>();
  private limits = new Map<string, number>();
  private countRead = new Map<string, number>();
  private readsStarted = 0;
  private rebalances = 0;

  apply(snapshot: TopicInfoSnapshot): void {
    this.counts = new Map(snapshot.counts);
    this.limits = new Map(snapshot.limits);
    this.countRead = new Map(snapshot.countRead);
    this.readsStarted = snapshot.readsStarted;
    this.rebalances = snapshot.groupRebalances;
  }

  groupRebalances(): number {
    return this.rebalances;
  }

  partitionCount(topic: string): number {
    const count = this.counts.get(topic);
    if (count === undefined || count === 0) throw new UnknownMirroredTopicError(topic);
    return count;
  }

  maxRecordBytes(topic: string): number {
    return this.limits.get(topic) ?? KAFKA_DEFAULT_MAX_MESSAGE_BYTES;
  }

  inputPartitions(topics: readonly string[]): InputPartitionsReading {
    let count = 0;
    let countRead = Number.MAX_SAFE_INTEGER;
    for (const topic of topics) {
      count = Math.max(count, this.partitionCount(topic));
      countRead = Math.min(countRead, this.countRead.get(topic) ?? 0);
    }
    return { count, countRead, readsStarted: this.readsStarted };
  }
}
