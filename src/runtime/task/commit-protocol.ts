import { changelogOffsetMetadata } from '../../state/store-metadata.js';
import { changelogTopicName, type StreamTask } from './stream-task.js';
import type { RecordCollector } from './record-collector.js';

/** An input position to commit: the next offset to read. */
export interface OffsetToCommit {
  readonly topic: string;
  readonly partition: number;
  readonly offset: string;
}

/** What the host (Kafka runtime or test driver) does in step 3 of the protocol. */
export interface CommitHost {
  /**
   * Makes every record sent so far durable and commits `offsets` with them — at_least_once: flush the
   * producer, then commit the offsets; exactly_once: add the offsets to the open transaction and commit
   * it. Resolves to the offset of the last record written to each changelog partition
   * (`<topic>:<partition>` → offset) since the previous commit.
   */
  commit(offsets: readonly OffsetToCommit[]): Promise<ReadonlyMap<string, string>>;
}

/**
 * Owns the commit of a set of tasks; nothing else commits. The steps, in order:
 *
 * 1. Each task's store buffers become changelog records (`<applicationId>-<store>-changelog`, the
 *    task's partition), sent through the collector after the task's outputs.
 * 2. The input offsets of each task are taken: after what it processed, never past a hold (an open
 *    chunk group or transaction that must be re-read after a crash).
 * 3. The host makes outputs and changelog records durable and commits the offsets (or commits the
 *    transaction holding all three).
 * 4. Each store writes its buffer and the changelog offset it now covers in one atomic batch, so disk
 *    state and checkpoint never disagree. A crash between 3 and 4 leaves the store behind its
 *    changelog, which restore replays from the recorded offset; a crash before 3 leaves nothing on
 *    disk that the changelog does not have.
 */
export class CommitProtocol {
  constructor(
    private readonly collector: RecordCollector,
    private readonly host: CommitHost,
  ) {}

  async commit(tasks: readonly StreamTask[]): Promise<void> {
    const offsets: OffsetToCommit[] = [];
    for (const task of tasks) {
      for (const record of task.changelogRecords()) this.collector.send(record);
      for (const [topic, offset] of task.committableOffsets()) offsets.push({ topic, partition: task.partition, offset });
    }
    const lastChangelogOffsets = await this.host.commit(offsets);
    for (const task of tasks) {
      await task.flushStores((store) => {
        const offset = lastChangelogOffsets.get(`${changelogTopicName(task.applicationId, store)}:${task.partition}`);
        return offset === undefined ? undefined : changelogOffsetMetadata(String(BigInt(offset) + 1n));
      });
    }
  }
}
