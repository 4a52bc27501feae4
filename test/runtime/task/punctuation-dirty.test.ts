import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { ProcessorContext } from '../../../src/processor/processor-context.js';
import type { StreamRecord } from '../../../src/processor/stream-record.js';
import type { KeyValueStore } from '../../../src/state/key-value-store.js';
import { LocalTaskPorts } from '../../../src/runtime/task/local-task-port.js';
import type { TaskPort } from '../../../src/runtime/task/task-port.js';
import { stringSerde } from '../../../src/serde/string-serde.js';
import { TopologyBuilder } from '../../../src/topology/topology-builder.js';

/**
 * A wall-clock punctuator every 100 ms that does what the last input asked once: `forward` sends a
 * record, `write` puts into its store, anything else (and every later punctuation) does nothing.
 */
function topology() {
  return new TopologyBuilder()
    .addSource({ name: 'in', topics: ['in'], keySerde: stringSerde, valueSerde: stringSerde })
    .addStore({ name: 'marks', keySerde: stringSerde, valueSerde: stringSerde, kind: 'in-memory', changelog: false })
    .addProcessor({
      name: 'ticker',
      parents: ['in'],
      stores: ['marks'],
      supplier: () => {
        let asked: string | undefined;
        return {
          init(context: ProcessorContext<string, string>) {
            const marks = context.getStateStore<string, string>('marks') as KeyValueStore<string, string>;
            context.schedule(100, 'wall-clock', (time) => {
              if (asked === 'forward') context.forward({ key: 'tick', value: `tick@${time}`, timestamp: time, headers: {} });
              if (asked === 'write') marks.put('tick', String(time));
              asked = undefined;
            });
          },
          process(record: StreamRecord<string, string>) {
            asked = record.value;
          },
        };
      },
    })
    .addSink({ name: 'out', topic: 'ticks', parents: ['ticker'], keySerde: stringSerde, valueSerde: stringSerde })
    .build();
}

const topics = {
  partitionCount: () => 1,
  maxRecordBytes: () => 1024 * 1024,
  inputPartitions: () => ({ count: 1, countRead: 0, readsStarted: 0 }),
  groupRebalances: () => 0,
};

const dirs: string[] = [];
const ports: TaskPort[] = [];
afterEach(async () => {
  for (const port of ports.splice(0)) await port.close();
  for (const dir of dirs.splice(0)) await rm(dir, { recursive: true, force: true });
});

async function startedTask(): Promise<TaskPort> {
  const stateDir = await mkdtemp(join(tmpdir(), 'cdc-streams-punctuation-'));
  dirs.push(stateDir);
  const built = topology();
  const factory = new LocalTaskPorts(
    { applicationId: 'app', topology: built, stateDir, defaultStoreKind: 'in-memory', clock: Date.now, errorPolicies: { deserialization: 'fail', processing: 'fail' }, deadLetterTopic: 'app-dlq' },
    topics,
  );
  const port = await factory.open({ subTopology: built.subTopologies[0]!, partition: 0 });
  ports.push(port);
  await port.start();
  return port;
}

/** Processes one input asking the punctuator for `what`, commits, and returns the step of a punctuation at `now` (due). */
async function punctuationAfter(port: TaskPort, what: string, offset: number, now: number) {
  await port.process([{ topic: 'in', partition: 0, offset: String(offset), key: Buffer.from('k'), value: Buffer.from(what), timestamp: now, headers: {} }]);
  await port.prepareCommit();
  await port.completeCommit(new Map());
  return port.punctuate(now);
}

describe('a wall-clock punctuation and the next commit', () => {
  it('leaves an idle task clean when it sends and writes nothing, so nothing is committed for it', async () => {
    const port = await startedTask();
    const step = await punctuationAfter(port, 'nothing', 0, Date.now() + 1_000);
    expect(step.outputs).toEqual([]);
    expect(step.dirty).toBe(false);
  });

  it('makes the task dirty when it forwards a record, so the record is committed', async () => {
    const port = await startedTask();
    const now = Date.now() + 1_000;
    const step = await punctuationAfter(port, 'forward', 0, now);
    expect(step.outputs.map((r) => r.value?.toString())).toEqual([`tick@${now}`]);
    expect(step.dirty).toBe(true);
  });

  it('makes the task dirty when it writes to a store, so the write is committed', async () => {
    const port = await startedTask();
    const step = await punctuationAfter(port, 'write', 0, Date.now() + 1_000);
    expect(step.outputs).toEqual([]);
    expect(step.dirty).toBe(true);
  });
});
