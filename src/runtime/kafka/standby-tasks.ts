import { randomUUID } from 'node:crypto';
import type { Consumer, Kafka } from 'kafkajs';
import { CdcStreamsError } from '../../common/errors.js';
import type { Logger } from '../../common/logger.js';
import type { Topology } from '../../topology/topology.js';
import type { StandbyProgress } from '../app-snapshot.js';
import type { ChangelogRecordIn } from '../task/changelog-chunks.js';
import { changelogTopicName } from '../task/stream-task.js';
import type { TaskSpec } from '../task/task-host.js';
import type { TaskPort, TaskPortFactory } from '../task/task-port.js';
import { toHeaders } from './kafka-records.js';

export class StandbyUpdateError extends CdcStreamsError {
  constructor(message: string, cause?: unknown) {
    super(message, { code: 'STANDBY_UPDATE_FAILED', retriable: true, cause });
  }
}

/** One changelogged store of a standby, and the next changelog offset it has applied. */
interface StandbyStore {
  readonly taskId: string;
  readonly store: string;
  readonly topic: string;
  readonly partition: number;
  readonly port: TaskPort;
  next: bigint;
  /** Writes to one store apply one after another (eachBatch and the marker-only batches). */
  chain: Promise<void>;
}

interface Standby {
  readonly port: TaskPort;
  readonly stores: readonly StandbyStore[];
}

export interface StandbyTasksOptions {
  readonly kafka: Kafka;
  readonly topology: Topology;
  readonly applicationId: string;
  /** exactly_once: read only committed changelog records, as restore does. */
  readonly readCommitted: boolean;
  /** Opens a standby's stores (always in the main thread: docs/runtime.md, "Standby replicas"). */
  readonly ports: TaskPortFactory;
  readonly logger: Logger;
  /** A failure while following the changelogs: the application fails, as a failed restore does. */
  readonly onError: (error: unknown) => void;
}

/**
 * The standby tasks of this instance (Kafka Streams' StandbyTask, docs/runtime.md "Standby replicas"):
 * each keeps the changelogged stores of a task another instance runs, in the same place in the state
 * directory where the task's own stores would be, by reading the task's changelog partitions while
 * the application runs. A standby is a task opened but never started: its stores take changelog
 * records through the same `restore` as a restoring task (one RocksDB write batch with the next
 * offset), so when the task moves here it restores only what the standby had not read yet.
 *
 * One consumer follows every standby's changelog partitions, in a group of its own (kafkajs has no
 * manual assignment; the group holds no offsets, the stores do): partitions of no standby are paused,
 * the others sought to their store's checkpoint.
 */
export class StandbyTasks {
  private readonly standbys = new Map<string, Standby>();
  /** Offset sums of task state found in the state directory at start (a restart): reported until the task runs here. */
  private readonly leftOnDisk = new Map<string, number>();
  private consumer: Consumer | undefined;
  private groupId: string | undefined;
  /** The reader joining its group: not awaited by `assign`, so a rebalance does not wait for it. */
  private starting: Promise<void> | undefined;

  constructor(private readonly options: StandbyTasksOptions) {}

  /**
   * Per task whose state this instance holds without running it (its standbys, and state left on disk
   * by an earlier run), the sum of its stores' next changelog offsets: what the assignor compares.
   */
  offsets(running: ReadonlySet<string>): Record<string, number> {
    const offsets: Record<string, number> = {};
    for (const [key, sum] of this.leftOnDisk) if (!running.has(key)) offsets[key] = sum;
    for (const [key, standby] of this.standbys) offsets[key] = offsetSum(standby.stores);
    return offsets;
  }

  /**
   * Reads the checkpoints of the tasks in `specs` (those with a directory in the state directory), before
   * the instance joins its group: a restarted instance then reports the state it still holds, and the
   * assignor can give it those tasks back. The state it read stops being reported once the task ran here
   * (an active task's checkpoint moves on; it is then reported as running).
   */
  async readStateLeftOnDisk(specs: readonly TaskSpec[]): Promise<void> {
    for (const spec of specs) {
      const standby = await this.open(spec);
      try {
        if (standby.stores.length > 0) this.leftOnDisk.set(standby.port.taskId, offsetSum(standby.stores));
      } finally {
        await standby.port.close();
      }
    }
  }

  /** Tasks that now run here: their state on disk is the running task's from now on. */
  forgetStateLeftOnDisk(running: Iterable<string>): void {
    for (const key of running) this.leftOnDisk.delete(key);
  }

  snapshot(): StandbyProgress[] {
    return [...this.standbys.values()].flatMap((s) => s.stores.map((store) => ({ taskId: store.taskId, store: store.store, offset: Number(store.next) })));
  }

  /**
   * Closes the standbys not in `keep`, before tasks open: a standby promoted to active gives up its
   * stores here, and the active task opens them with the standby's checkpoint.
   */
  async release(keep: ReadonlySet<string>): Promise<void> {
    const released = [...this.standbys.keys()].filter((key) => !keep.has(key));
    if (released.length === 0) return;
    await this.stopConsumer();
    for (const key of released) {
      const standby = this.standbys.get(key)!;
      this.standbys.delete(key);
      await Promise.all(standby.stores.map((s) => s.chain));
      // Its stores stay in the state directory: still a copy worth reporting until the task runs here.
      this.leftOnDisk.set(key, offsetSum(standby.stores));
      await standby.port.close();
    }
  }

  /** Makes the standbys those of `specs` (after the active tasks are in place), and follows their changelogs. */
  async assign(specs: readonly TaskSpec[]): Promise<void> {
    const wanted = new Map(specs.map((spec) => [`${spec.subTopology.id}_${spec.partition}`, spec] as const));
    await this.release(new Set(wanted.keys()));
    const added = [...wanted].filter(([key]) => !this.standbys.has(key));
    if (added.length === 0 && this.consumer !== undefined) return;
    await this.stopConsumer();
    for (const [key, spec] of added) this.standbys.set(key, await this.open(spec));
    if (this.standbys.size === 0) return;
    this.options.logger.info('standby tasks assigned', {
      standbys: this.snapshot().map((s) => `${s.taskId}/${s.store}@${s.offset}`),
    });
    this.starting = this.startConsumer().catch((error: unknown) => this.options.onError(new StandbyUpdateError('starting the standby changelog reader failed', error)));
  }

  async closeAll(): Promise<void> {
    await this.release(new Set());
    await this.stopConsumer();
  }

  private async open(spec: TaskSpec): Promise<Standby> {
    const { topology, applicationId } = this.options;
    const port = await this.options.ports.open(spec);
    try {
      const stores: StandbyStore[] = [];
      for (const store of spec.subTopology.stores) {
        if (topology.stores.get(store)?.changelog !== true) continue;
        const checkpoint = await port.changelogOffset(store);
        stores.push({
          taskId: port.taskId,
          store,
          topic: changelogTopicName(applicationId, store),
          partition: spec.partition,
          port,
          next: checkpoint === undefined ? 0n : BigInt(checkpoint),
          chain: Promise.resolve(),
        });
      }
      return { port, stores };
    } catch (error) {
      await port.close();
      throw error;
    }
  }

  private async startConsumer(): Promise<void> {
    const targets = new Map<string, StandbyStore>();
    for (const standby of this.standbys.values()) for (const s of standby.stores) targets.set(`${s.topic}:${s.partition}`, s);
    const groupId = `${this.options.applicationId}-standby-${randomUUID()}`;
    const consumer = this.options.kafka.consumer({
      groupId,
      readUncommitted: !this.options.readCommitted,
      allowAutoTopicCreation: false,
      maxWaitTimeInMs: 1000,
      // A changelog grown with its input (docs/cdc.md, "Partition growth") is followed within seconds, not kafkajs' 5 minutes.
      metadataMaxAge: 10_000,
    });
    this.consumer = consumer;
    this.groupId = groupId;
    const apply = (target: StandbyStore, records: readonly ChangelogRecordIn[], next: bigint): void => {
      target.chain = target.chain
        .then(async () => {
          if (next <= target.next) return;
          await target.port.restore(target.store, records, String(next));
          target.next = next;
        })
        .catch((error: unknown) => this.options.onError(new StandbyUpdateError(`updating standby ${target.taskId}/${target.store} from ${target.topic}/${target.partition} failed`, error)));
    };
    consumer.on(consumer.events.GROUP_JOIN, (event) => {
      // Seek the standbys' partitions to their checkpoints; pause the rest of the changelogs' partitions.
      const unwanted: Array<{ topic: string; partitions: number[] }> = [];
      for (const [topic, partitions] of Object.entries(event.payload.memberAssignment)) {
        const idle = partitions.filter((partition) => !targets.has(`${topic}:${partition}`));
        if (idle.length > 0) unwanted.push({ topic, partitions: idle });
        for (const partition of partitions) {
          const target = targets.get(`${topic}:${partition}`);
          if (target !== undefined && target.next > 0n) consumer.seek({ topic, partition, offset: String(target.next) });
        }
      }
      if (unwanted.length > 0) consumer.pause(unwanted);
    });
    // A batch of only transaction markers (exactly_once) or aborted records never reaches eachBatch; the
    // checkpoint still moves past it, so a promoted standby's restore does not wait on it.
    consumer.on(consumer.events.END_BATCH_PROCESS, (event) => {
      if (event.payload.batchSize > 0) return;
      const target = targets.get(`${event.payload.topic}:${event.payload.partition}`);
      if (target !== undefined) apply(target, [], BigInt(event.payload.lastOffset) + 1n);
    });
    consumer.on(consumer.events.CRASH, (event) => {
      if (!event.payload.restart) this.options.onError(new StandbyUpdateError('the standby changelog reader crashed', event.payload.error));
    });
    await consumer.connect();
    await consumer.subscribe({ topics: [...new Set([...targets.values()].map((t) => t.topic))], fromBeginning: true });
    await consumer.run({
      autoCommit: false,
      eachBatch: async ({ batch }) => {
        const target = targets.get(`${batch.topic}:${batch.partition}`);
        if (target === undefined) return;
        const records: ChangelogRecordIn[] = [];
        for (const m of batch.messages) {
          if (BigInt(m.offset) < target.next) continue;
          records.push({ key: m.key ?? Buffer.alloc(0), value: m.value, headers: toHeaders(m.headers) });
        }
        apply(target, records, BigInt(batch.lastOffset()) + 1n);
        await target.chain;
      },
    });
  }

  private async stopConsumer(): Promise<void> {
    await this.starting;
    this.starting = undefined;
    const consumer = this.consumer;
    const groupId = this.groupId;
    if (consumer === undefined || groupId === undefined) return;
    this.consumer = undefined;
    this.groupId = undefined;
    await consumer.disconnect();
    for (const standby of this.standbys.values()) await Promise.all(standby.stores.map((s) => s.chain));
    const admin = this.options.kafka.admin();
    try {
      await admin.connect();
      await admin.deleteGroups([groupId]);
    } catch (error) {
      // The group holds no offsets and expires on its own; a failed clean-up is worth a line, not a failure.
      this.options.logger.debug('could not delete the standby group', { groupId, err: error });
    } finally {
      await admin.disconnect();
    }
  }
}

/** A task's offset sum (Kafka Streams' task offset sums): the next changelog offsets of its stores, added. */
function offsetSum(stores: readonly StandbyStore[]): number {
  return Number(stores.reduce((sum, s) => sum + s.next, 0n));
}
