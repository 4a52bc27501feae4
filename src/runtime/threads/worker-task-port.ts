import type { ChangelogRecordIn } from '../task/changelog-chunks.js';
import type { InputRecord } from '../task/input-record.js';
import type { ChangelogWrite } from '../task/stream-task.js';
import type { PreparedCommit, TaskPort, TaskPortSnapshot, TaskStep } from '../task/task-port.js';
import { decodeOutputRecords, encodeInputRecords } from './record-codec.js';
import type { ThreadWorker } from './thread-worker.js';
import type { ShareableTopicInfo } from './topic-info-mirror.js';
import type { StepReply } from './worker-protocol.js';

/** How often a task in a thread sends its metrics along with a step's reply. */
const SNAPSHOT_INTERVAL_MS = 500;

/** A task in a stream thread: each call is a message to its thread, records travel as one buffer. */
export class WorkerTaskPort implements TaskPort {
  private last: TaskPortSnapshot = { state: 'RESTORING', processors: {}, notes: {} };
  private lastSnapshotAt = 0;

  constructor(
    private readonly worker: ThreadWorker,
    private readonly topics: ShareableTopicInfo,
    readonly taskId: string,
    readonly subTopologyId: number,
    readonly partition: number,
  ) {}

  get thread(): string {
    return this.worker.name;
  }

  changelogOffset(store: string): Promise<string | undefined> {
    return this.worker.request({ type: 'changelog-offset', taskId: this.taskId, store });
  }

  restore(store: string, records: readonly ChangelogRecordIn[], nextOffset: string): Promise<void> {
    const encoded = encodeInputRecords(records.map((r) => ({ topic: '', partition: this.partition, offset: '', key: r.key, value: r.value, timestamp: 0, headers: r.headers })));
    return this.worker.request({ type: 'restore', taskId: this.taskId, store, records: encoded, nextOffset }, [encoded]);
  }

  async start(): Promise<void> {
    await this.worker.request({ type: 'start', taskId: this.taskId });
    this.last = { ...this.last, state: 'RUNNING' };
  }

  async process(batch: readonly InputRecord[]): Promise<TaskStep> {
    this.syncTopics();
    const records = encodeInputRecords(batch);
    return this.step(await this.worker.request<StepReply>({ type: 'process', taskId: this.taskId, records, snapshot: this.snapshotDue() }, [records]));
  }

  async punctuate(now: number): Promise<TaskStep> {
    this.syncTopics();
    return this.step(await this.worker.request<StepReply>({ type: 'punctuate', taskId: this.taskId, now, snapshot: this.snapshotDue() }));
  }

  async prepareCommit(): Promise<PreparedCommit> {
    const reply = await this.worker.request<{ changelog: ArrayBuffer; offsets: Array<[string, string]> }>({ type: 'prepare-commit', taskId: this.taskId });
    return { changelog: decodeOutputRecords(reply.changelog, true) as ChangelogWrite[], offsets: new Map(reply.offsets) };
  }

  completeCommit(nextChangelogOffsets: ReadonlyMap<string, string>): Promise<void> {
    return this.worker.request({ type: 'complete-commit', taskId: this.taskId, offsets: [...nextChangelogOffsets] });
  }

  query(store: string, key: unknown): Promise<unknown> {
    return this.worker.request({ type: 'query', taskId: this.taskId, store, key });
  }

  snapshot(): TaskPortSnapshot {
    return this.last;
  }

  storeSizes(): ReturnType<TaskPort['storeSizes']> {
    return this.worker.request({ type: 'store-sizes', taskId: this.taskId });
  }

  async close(): Promise<void> {
    this.worker.tasks--;
    await this.worker.request({ type: 'close', taskId: this.taskId });
    this.last = { ...this.last, state: 'CLOSED' };
  }

  private syncTopics(): void {
    this.worker.syncTopics(this.topics.version, () => this.topics.snapshot());
  }

  private snapshotDue(): boolean {
    const now = Date.now();
    if (now - this.lastSnapshotAt < SNAPSHOT_INTERVAL_MS) return false;
    this.lastSnapshotAt = now;
    return true;
  }

  private step(reply: StepReply): TaskStep {
    if (reply.snapshot !== undefined) this.last = reply.snapshot;
    return { outputs: decodeOutputRecords(reply.outputs), wantsCommit: reply.wantsCommit, dirty: reply.dirty };
  }
}
