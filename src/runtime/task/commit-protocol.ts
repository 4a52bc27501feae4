import type { TaskPort } from './task-port.js';
import type { ChangelogWrite } from './stream-task.js';

/** One task's part in step 3: its input offsets (next offset to read, per input topic). */
export interface TaskCommitRequest {
  readonly port: TaskPort;
  readonly offsets: ReadonlyMap<string, string>;
}

/**
 * How step 3 ended for one task: committed, with the offset of the last record written to each of the
 * task's changelog partitions since the previous commit (`<topic>:<partition>` → offset); or fenced —
 * another instance owns the task now, its work was aborted and is redone there. `commitMarkers`: the
 * records went in a transaction, whose commit marker takes the offset after the last record in a
 * partition only this task writes (its changelogs).
 */
export type TaskCommitOutcome =
  | { readonly kind: 'committed'; readonly lastOffsets: ReadonlyMap<string, string>; readonly commitMarkers?: boolean }
  | { readonly kind: 'fenced' };

/** What the host (the Kafka runtime's guarantee, or the test driver) does in steps 2 and 3. */
export interface CommitHost {
  /** Step 2: a task's changelog records, sent after everything the task wrote before. */
  sendChangelog(port: TaskPort, records: readonly ChangelogWrite[]): void;
  /**
   * Step 3: makes every record sent so far durable and commits the offsets with them — at_least_once:
   * flush the producer, then commit the offsets; exactly_once: one transaction per task with its
   * outputs, changelog records and offsets. One outcome per request, in order.
   */
  commit(requests: readonly TaskCommitRequest[]): Promise<readonly TaskCommitOutcome[]>;
}

/**
 * Owns the commit of a set of tasks; nothing else commits. The steps, in order:
 *
 * 1. Each task prepares: its store buffers become changelog records (`<applicationId>-<store>-changelog`,
 *    the task's partition), and its input offsets are taken — after what it processed, never past a
 *    hold (an open chunk group or transaction that must be re-read after a crash).
 * 2. The changelog records are sent after the task's outputs.
 * 3. The host makes outputs and changelog records durable and commits the offsets (or commits the
 *    transaction holding all three).
 * 4. Each store writes its buffer and the changelog offset it now covers in one atomic batch, so disk
 *    state and checkpoint never disagree. A crash between 3 and 4 leaves the store behind its
 *    changelog, which restore replays from the recorded offset; a crash before 3 leaves nothing on
 *    disk that the changelog does not have.
 *
 * Returns the tasks found fenced in step 3: their stores were not written; the host closes them.
 */
export class CommitProtocol {
  constructor(private readonly host: CommitHost) {}

  async commit(ports: readonly TaskPort[]): Promise<TaskPort[]> {
    if (ports.length === 0) return [];
    const prepared = await Promise.all(ports.map((port) => port.prepareCommit()));
    for (let i = 0; i < ports.length; i++) this.host.sendChangelog(ports[i]!, prepared[i]!.changelog);
    const outcomes = await this.host.commit(ports.map((port, i) => ({ port, offsets: prepared[i]!.offsets })));
    const fenced: TaskPort[] = [];
    await Promise.all(
      ports.map((port, i) => {
        const outcome = outcomes[i];
        if (outcome === undefined || outcome.kind === 'fenced') {
          fenced.push(port);
          return undefined;
        }
        return port.completeCommit(nextChangelogOffsets(prepared[i]!.changelog, outcome.lastOffsets, outcome.commitMarkers === true));
      }),
    );
    return fenced;
  }
}

/**
 * Store → the changelog offset after the last record it wrote in this commit, and after the commit
 * marker that follows that record when there is one: a restart with nothing newer in the changelog then
 * finds its store at the end and reads nothing (no restore consumer, whose group join costs seconds).
 * Only this task writes its changelog partitions (a zombie owner is fenced first), so the marker is
 * the next offset.
 */
function nextChangelogOffsets(changelog: readonly ChangelogWrite[], lastOffsets: ReadonlyMap<string, string>, commitMarkers: boolean): Map<string, string> {
  const result = new Map<string, string>();
  const after = commitMarkers ? 2n : 1n;
  for (const record of changelog) {
    if (result.has(record.store)) continue;
    const last = lastOffsets.get(`${record.topic}:${record.partition}`);
    if (last !== undefined) result.set(record.store, String(BigInt(last) + after));
  }
  return result;
}
