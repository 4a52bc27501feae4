import type { TaskObserver } from '../task/task-observer.js';
import { taskIdOf } from '../task/stream-task.js';
import type { TaskSpec } from '../task/task-host.js';
import type { TaskPort, TaskPortFactory } from '../task/task-port.js';
import { ThreadWorker, type TaskThreadError } from './thread-worker.js';
import type { ShareableTopicInfo } from './topic-info-mirror.js';
import type { WorkerEvent, WorkerStart } from './worker-protocol.js';
import { WorkerTaskPort } from './worker-task-port.js';

export interface WorkerPoolOptions {
  readonly threads: number;
  /** What each thread starts with, but its name and the topics (filled in here). */
  readonly start: Omit<WorkerStart, 'thread' | 'topics'>;
  readonly topics: ShareableTopicInfo;
  readonly observer: TaskObserver;
  readonly onChunkGroupAbandoned: (event: Extract<WorkerEvent, { type: 'chunk-group-abandoned' }>['event']) => void;
  /** A thread died or failed to start: the application must stop. */
  readonly onFailure: (error: TaskThreadError) => void;
}

/**
 * Stream threads (Kafka Streams' `num.stream.threads`): N worker threads, each running the tasks it is
 * given with their stores, while the main thread does all Kafka I/O. A new task goes to the thread with
 * the fewest tasks.
 */
export class WorkerPool implements TaskPortFactory {
  private readonly workers: ThreadWorker[];

  constructor(private readonly options: WorkerPoolOptions) {
    this.workers = Array.from(
      { length: options.threads },
      (_, i) =>
        new ThreadWorker(
          `stream-thread-${i + 1}`,
          { ...options.start, thread: `stream-thread-${i + 1}`, topics: options.topics.snapshot() },
          (event) => this.onEvent(event),
          options.onFailure,
        ),
    );
  }

  /** Resolves once every thread has built its topology. */
  async ready(): Promise<void> {
    await Promise.all(this.workers.map((w) => w.ready));
  }

  async open(spec: TaskSpec): Promise<TaskPort> {
    const worker = this.workers.reduce((least, w) => (w.tasks < least.tasks ? w : least));
    worker.tasks++;
    try {
      worker.syncTopics(this.options.topics.version, () => this.options.topics.snapshot());
      await worker.request({ type: 'open', subTopologyId: spec.subTopology.id, partition: spec.partition });
    } catch (error) {
      worker.tasks--;
      throw error;
    }
    return new WorkerTaskPort(worker, this.options.topics, taskIdOf(spec.subTopology.id, spec.partition), spec.subTopology.id, spec.partition);
  }

  async close(): Promise<void> {
    await Promise.all(this.workers.map((w) => w.terminate()));
  }

  private onEvent(event: WorkerEvent): void {
    switch (event.type) {
      case 'task-state':
        this.options.observer.taskStateChanged(event.taskId, event.from, event.to);
        return;
      case 'dead-letter':
        this.options.observer.deadLettered(event.taskId, { topic: event.topic, partition: event.partition, key: null, value: null, timestamp: 0, headers: event.headers });
        return;
      case 'chunk-group-abandoned':
        this.options.onChunkGroupAbandoned(event.event);
    }
  }
}
