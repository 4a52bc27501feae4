import type { SubTopology } from '../../topology/sub-topology.js';
import type { StreamTask } from '../task/stream-task.js';
import type { TaskTransactionalProducer } from './task-producers.js';

/** A task this instance runs, with what the consumer loop keeps beside it. */
export interface RunningTask {
  readonly key: string;
  readonly sub: SubTopology;
  readonly task: StreamTask;
  readonly producer: TaskTransactionalProducer | undefined;
  /** Next offset to process per input topic: records below it (a stale fetch) are skipped. */
  readonly expected: Map<string, bigint>;
  recordsProcessed: number;
  /** Batches of one task run one after another even when two of its topics deliver at once. */
  chain: Promise<void>;
}
