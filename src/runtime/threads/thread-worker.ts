import { Worker } from 'node:worker_threads';
import { CdcStreamsError } from '../../common/errors.js';
import type { TopicInfoSnapshot } from './topic-info-mirror.js';
import type { ErrorReply, WorkerEvent, WorkerOutbound, WorkerRequest, WorkerStart } from './worker-protocol.js';

/** A task's work failed in its thread, or the thread itself died; the message is the original's. */
export class TaskThreadError extends CdcStreamsError {
  constructor(thread: string, error: ErrorReply) {
    super(`${error.message} (in ${thread}, ${error.name})`, { code: error.code ?? 'TASK_THREAD' });
    if (error.stack !== undefined) this.stack = `${this.name}: ${this.message}\n  in ${thread}: ${error.stack}`;
  }
}

type Pending = { resolve: (value: unknown) => void; reject: (error: Error) => void };
type RequestBody = WorkerRequest extends infer R ? (R extends { id: number } ? Omit<R, 'id'> : never) : never;

const FROM_SOURCES = import.meta.url.endsWith('.ts');
const WORKER_ENTRY = new URL(FROM_SOURCES ? './task-worker.ts' : './task-worker.js', import.meta.url);

function spawn(start: WorkerStart, name: string): Worker {
  if (!FROM_SOURCES) return new Worker(WORKER_ENTRY, { workerData: start, name });
  // Run from TypeScript sources (tsx): module hooks do not cross into a worker, so it registers tsx
  // itself before it loads its entry.
  const tsx = import.meta.resolve('tsx/esm/api');
  const bootstrap = `import(${JSON.stringify(tsx)}).then((api) => { api.register(); return import(${JSON.stringify(WORKER_ENTRY.href)}); })`;
  return new Worker(bootstrap, { eval: true, workerData: start, name });
}

/**
 * One stream thread, seen from the main thread: requests with replies, notices in order, and the
 * thread's events for the main thread's observers. A thread that dies fails every request waiting on
 * it and every later one.
 */
export class ThreadWorker {
  private readonly worker: Worker;
  private readonly pending = new Map<number, Pending>();
  private nextId = 1;
  private failure: TaskThreadError | undefined;
  private topicsVersion = -1;
  private terminating = false;
  readonly ready: Promise<void>;
  readonly exited: Promise<number>;
  tasks = 0;

  constructor(
    readonly name: string,
    start: WorkerStart,
    private readonly onEvent: (event: WorkerEvent) => void,
    private readonly onFailure: (error: TaskThreadError) => void,
  ) {
    this.worker = spawn(start, name);
    let ready: () => void;
    let notReady: (error: Error) => void;
    this.ready = new Promise<void>((resolve, reject) => {
      ready = resolve;
      notReady = reject;
    });
    this.ready.catch(() => undefined);
    this.worker.on('message', (message: WorkerOutbound) => {
      switch (message.kind) {
        case 'ready':
          ready();
          return;
        case 'failed': {
          const error = new TaskThreadError(name, message.error);
          this.fail(error);
          notReady(error);
          return;
        }
        case 'event':
          this.onEvent(message);
          return;
        case 'reply': {
          const waiting = this.pending.get(message.id);
          this.pending.delete(message.id);
          if (message.ok) waiting?.resolve(message.result);
          else waiting?.reject(new TaskThreadError(name, message.error));
        }
      }
    });
    this.worker.on('error', (cause) => {
      const error = new TaskThreadError(name, { name: cause.name, message: cause.message, stack: cause.stack, code: undefined });
      this.fail(error);
      notReady(error);
    });
    this.exited = new Promise((resolve) => this.worker.once('exit', resolve));
    void this.exited.then((code) => {
      const error = new TaskThreadError(name, { name: 'Exit', message: `the thread exited with code ${code}`, stack: undefined, code: undefined });
      if (!this.terminating) this.fail(error);
      notReady(error);
    });
  }

  /** Sends the topic information if it changed since the last time (before the request that needs it). */
  syncTopics(version: number, snapshot: () => TopicInfoSnapshot): void {
    if (version === this.topicsVersion || this.failure !== undefined) return;
    this.topicsVersion = version;
    this.worker.postMessage({ type: 'topics', topics: snapshot() });
  }

  request<T>(body: RequestBody, transfer: ArrayBuffer[] = []): Promise<T> {
    if (this.failure !== undefined) return Promise.reject(this.failure);
    const id = this.nextId++;
    return new Promise<T>((resolve, reject) => {
      this.pending.set(id, { resolve: resolve as (value: unknown) => void, reject });
      this.worker.postMessage({ ...body, id }, transfer);
    });
  }

  /** Stops the thread; its tasks must be closed first. */
  async terminate(): Promise<void> {
    this.terminating = true;
    await this.worker.terminate();
  }

  private fail(error: TaskThreadError): void {
    if (this.failure !== undefined) return;
    this.failure = error;
    for (const waiting of this.pending.values()) waiting.reject(error);
    this.pending.clear();
    this.onFailure(error);
  }
}
