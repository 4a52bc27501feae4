/**
 * The entry of a stream thread (docs/runtime.md, "Stream threads"): a worker thread that runs tasks
 * with their RocksDB stores. It builds its own copy of the topology from the module the main thread
 * names, keeps a mirror of the main thread's topic information, and answers the main thread's
 * requests for each task through the same LocalTaskPort the main thread would use. It never talks to
 * Kafka: records come and go as buffers (record-codec.ts).
 */
import { parentPort, workerData } from 'node:worker_threads';
import type { Topology } from '../../topology/topology.js';
import type { OutputRecord } from '../task/input-record.js';
import { LocalTaskPort, type LocalTaskOptions } from '../task/local-task-port.js';
import type { TaskPortSnapshot, TaskStep } from '../task/task-port.js';
import { decodeInputRecords, encodeOutputRecords } from './record-codec.js';
import { TopicInfoMirror } from './topic-info-mirror.js';
import { errorReply, type StepReply, type WorkerEvent, type WorkerNotice, type WorkerOutbound, type WorkerRequest, type WorkerStart } from './worker-protocol.js';

const port = parentPort;
if (port === null) throw new Error('task-worker.ts runs as a worker thread only');
const start = workerData as WorkerStart;
const mirror = new TopicInfoMirror();
mirror.apply(start.topics);
const tasks = new Map<string, LocalTaskPort>();

function post(message: WorkerOutbound, transfer: ArrayBuffer[] = []): void {
  port!.postMessage(message, transfer);
}

function event(e: WorkerEvent): void {
  post({ kind: 'event', ...e });
}

async function loadTopology(): Promise<Topology> {
  const loaded = (await import(start.topology.module)) as { topologyForWorker?: (args: unknown) => Promise<Topology> | Topology };
  if (typeof loaded.topologyForWorker !== 'function') throw new Error(`module ${start.topology.module} has no export topologyForWorker(args)`);
  return loaded.topologyForWorker(start.topology.args);
}

function taskOf(taskId: string): LocalTaskPort {
  const task = tasks.get(taskId);
  if (task === undefined) throw new Error(`${start.thread} runs no task ${taskId}`);
  return task;
}

function stepReply(step: TaskStep, snapshot: TaskPortSnapshot | undefined): { result: StepReply; transfer: ArrayBuffer[] } {
  const outputs = encodeOutputRecords(step.outputs as OutputRecord[]);
  return { result: { outputs, wantsCommit: step.wantsCommit, dirty: step.dirty, snapshot }, transfer: [outputs] };
}

async function handle(request: WorkerRequest, options: LocalTaskOptions): Promise<{ result: unknown; transfer?: ArrayBuffer[] }> {
  switch (request.type) {
    case 'open': {
      const sub = options.topology.subTopologies.find((s) => s.id === request.subTopologyId);
      if (sub === undefined) throw new Error(`the topology has no sub-topology ${request.subTopologyId}`);
      const task = await LocalTaskPort.open(options, { subTopology: sub, partition: request.partition }, mirror, start.thread);
      tasks.set(task.taskId, task);
      return { result: task.taskId };
    }
    case 'changelog-offset':
      return { result: await taskOf(request.taskId).changelogOffset(request.store) };
    case 'restore':
      await taskOf(request.taskId).restore(request.store, decodeInputRecords(request.records), request.nextOffset);
      return { result: null };
    case 'start':
      await taskOf(request.taskId).start();
      return { result: null };
    case 'process': {
      const task = taskOf(request.taskId);
      const step = await task.process(decodeInputRecords(request.records));
      return stepReply(step, request.snapshot ? task.snapshot() : undefined);
    }
    case 'punctuate': {
      const task = taskOf(request.taskId);
      const step = await task.punctuate(request.now);
      return stepReply(step, request.snapshot ? task.snapshot() : undefined);
    }
    case 'prepare-commit': {
      const prepared = await taskOf(request.taskId).prepareCommit();
      const changelog = encodeOutputRecords(prepared.changelog, prepared.changelog.map((r) => r.store));
      return { result: { changelog, offsets: [...prepared.offsets] }, transfer: [changelog] };
    }
    case 'complete-commit':
      await taskOf(request.taskId).completeCommit(new Map(request.offsets));
      return { result: null };
    case 'query':
      return { result: await taskOf(request.taskId).query(request.store, request.key instanceof Uint8Array ? Buffer.from(request.key) : request.key) };
    case 'store-sizes':
      return { result: await taskOf(request.taskId).storeSizes() };
    case 'close': {
      const task = tasks.get(request.taskId);
      tasks.delete(request.taskId);
      await task?.close();
      return { result: null };
    }
  }
}

try {
  const topology = await loadTopology();
  const options: LocalTaskOptions = {
    applicationId: start.applicationId,
    topology,
    stateDir: start.stateDir,
    defaultStoreKind: start.defaultStoreKind,
    clock: Date.now,
    errorPolicies: start.errorPolicies,
    deadLetterTopic: start.deadLetterTopic,
    ...(start.maxBufferedEntriesPerStore === undefined ? {} : { maxBufferedEntriesPerStore: start.maxBufferedEntriesPerStore }),
    onChunkGroupAbandoned: (e) => event({ type: 'chunk-group-abandoned', event: e }),
    observer: {
      taskStateChanged: (taskId, from, to) => event({ type: 'task-state', taskId, from, to }),
      deadLettered: (taskId, record) => event({ type: 'dead-letter', taskId, topic: record.topic, partition: record.partition, headers: record.headers }),
    },
  };
  port.on('message', (message: WorkerRequest | WorkerNotice) => {
    if (message.type === 'topics') {
      mirror.apply(message.topics);
      return;
    }
    handle(message, options).then(
      ({ result, transfer }) => post({ kind: 'reply', id: message.id, ok: true, result }, transfer),
      (error: unknown) => post({ kind: 'reply', id: message.id, ok: false, error: errorReply(error) }),
    );
  });
  post({ kind: 'ready' });
} catch (error) {
  post({ kind: 'failed', error: errorReply(error) });
}
