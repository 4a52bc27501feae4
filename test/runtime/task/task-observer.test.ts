import { afterEach, describe, expect, it } from 'vitest';
import { DLQ_HEADER_ERROR_CLASS } from '../../../src/common/constants.js';
import type { ProcessorContext } from '../../../src/processor/processor-context.js';
import { RecentDeadLetters } from '../../../src/runtime/recent-dead-letters.js';
import type { OutputRecord } from '../../../src/runtime/task/input-record.js';
import type { StreamTask } from '../../../src/runtime/task/stream-task.js';
import { createTask } from '../../../src/runtime/task/task-factory.js';
import type { TaskObserver } from '../../../src/runtime/task/task-observer.js';
import type { TaskState } from '../../../src/runtime/task/task-state.js';
import { jsonSerde } from '../../../src/serde/json-serde.js';
import { TopologyBuilder } from '../../../src/topology/topology-builder.js';
import { internalTopic } from '../../../src/topology/topic-ref.js';

/** `in` (JSON) -> `route`: values with `bad` go to the dead-letter sink with a reason, the rest to `out`. */
function topology() {
  return new TopologyBuilder()
    .addSource({ name: 'in', topics: ['in'], valueSerde: jsonSerde<{ bad?: boolean }>() })
    .addProcessor({
      name: 'route',
      parents: ['in'],
      supplier: () => {
        let context: ProcessorContext<unknown, unknown>;
        return {
          init(c: ProcessorContext<unknown, unknown>) {
            context = c;
          },
          process(record: { key: unknown; value: { bad?: boolean }; timestamp: number; headers: Record<string, string> }) {
            if (record.value.bad === true) {
              context.forward({ key: null, value: Buffer.from('raw'), timestamp: record.timestamp, headers: { [DLQ_HEADER_ERROR_CLASS]: 'BadRowError' } }, 'to-dlq');
            } else {
              context.forward({ ...record, value: Buffer.from('ok') }, 'to-out');
            }
          },
        };
      },
    })
    .addSink({ name: 'to-dlq', topic: internalTopic('dlq'), parents: ['route'] })
    .addSink({ name: 'to-out', topic: 'out', parents: ['route'] })
    .build();
}

class RecordingObserver implements TaskObserver {
  readonly transitions: Array<[string, TaskState, TaskState]> = [];
  readonly deadLetters = new RecentDeadLetters(() => 7);

  taskStateChanged(taskId: string, from: TaskState, to: TaskState): void {
    this.transitions.push([taskId, from, to]);
  }

  deadLettered(taskId: string, record: OutputRecord): void {
    this.deadLetters.add(taskId, record);
  }
}

const tasks: StreamTask[] = [];
afterEach(async () => {
  for (const task of tasks.splice(0)) await task.close();
});

async function start(observer: TaskObserver, maxRecordBytes: (topic: string) => number = () => 1_000_000) {
  const sent: OutputRecord[] = [];
  const task = await createTask(
    {
      applicationId: 'app',
      topology: topology(),
      stateDir: '/nonexistent',
      defaultStoreKind: 'in-memory',
      collector: { send: (r) => sent.push(r), partitionCount: () => 1, maxRecordBytes },
      clock: () => 0,
      errorPolicies: { deserialization: 'dead-letter', processing: 'dead-letter' },
      deadLetterTopic: 'app-dlq',
      observer,
    },
    topology().subTopologies[0]!,
    2,
    () => ({ count: 3, countRead: Number.MAX_SAFE_INTEGER, readsStarted: 0 }),
  );
  tasks.push(task);
  await task.initializeProcessors();
  return { task, sent };
}

const input = (offset: number, value: string) => ({ topic: 'in', partition: 2, offset: String(offset), key: null, value: Buffer.from(value), timestamp: 1, headers: {} });

describe('TaskObserver', () => {
  it('hears every lifecycle transition of the task, in order', async () => {
    const observer = new RecordingObserver();
    const { task } = await start(observer);
    task.transitionTo('RESTORING');
    task.transitionTo('RUNNING');
    await task.close();
    expect(observer.transitions).toEqual([
      ['0_2', 'CREATED', 'RESTORING'],
      ['0_2', 'RESTORING', 'RUNNING'],
      ['0_2', 'RUNNING', 'CLOSED'],
    ]);
  });

  it('hears the dead letters of a dead-letter sink and of the dead-letter policy, with their reasons, and no other output', async () => {
    const observer = new RecordingObserver();
    const { task, sent } = await start(observer);
    task.transitionTo('RESTORING');
    task.transitionTo('RUNNING');
    await task.process([input(0, '{"bad":false}'), input(1, '{"bad":true}'), input(2, '{"cut off')]);
    expect(sent.map((r) => r.topic)).toEqual(['out', 'app-dlq', 'app-dlq']);
    expect(observer.deadLetters.list()).toEqual([
      {
        at: 7,
        taskId: '0_2',
        deadLetterTopic: 'app-dlq',
        sourceTopic: undefined,
        sourcePartition: undefined,
        sourceOffset: undefined,
        errorClass: 'BadRowError',
        errorMessage: undefined,
      },
      {
        at: 7,
        taskId: '0_2',
        deadLetterTopic: 'app-dlq',
        sourceTopic: 'in',
        sourcePartition: 2,
        sourceOffset: '2',
        errorClass: 'InvalidJsonError',
        errorMessage: expect.stringMatching(/invalid JSON/) as unknown as string,
      },
    ]);
  });

  it('hears the dead letter the task writes for an output too big for its topic, naming why', async () => {
    const observer = new RecordingObserver();
    const { task, sent } = await start(observer, (topic) => (topic === 'out' ? 8 : 1_000_000));
    task.transitionTo('RESTORING');
    task.transitionTo('RUNNING');
    await task.process([input(5, '{"bad":false}')]);
    expect(sent.map((r) => r.topic)).toEqual(['app-dlq']);
    expect(observer.deadLetters.list()).toMatchObject([{ taskId: '0_2', sourceTopic: 'in', sourceOffset: '5', errorClass: expect.stringMatching(/TooLarge/) as unknown as string }]);
  });
});
