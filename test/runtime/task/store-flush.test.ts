import { describe, expect, it } from 'vitest';
import type { ManagedStore } from '../../../src/runtime/task/managed-store.js';
import { StreamTask } from '../../../src/runtime/task/stream-task.js';
import { stringSerde } from '../../../src/serde/string-serde.js';
import { TopologyBuilder } from '../../../src/topology/topology-builder.js';

/** A store whose flush stays open until the test ends it, recording when it started. */
function heldStore(name: string, started: string[]) {
  let finish: () => void = () => undefined;
  const store = {
    name,
    flush: (): Promise<void> => {
      started.push(name);
      return new Promise<void>((resolve) => {
        finish = resolve;
      });
    },
  };
  return { store: store as unknown as ManagedStore, finish: () => finish() };
}

function topology() {
  return new TopologyBuilder()
    .addSource({ name: 'in', topics: ['in'], keySerde: stringSerde, valueSerde: stringSerde })
    .addStore({ name: 'first', keySerde: stringSerde, valueSerde: stringSerde, kind: 'in-memory', changelog: false })
    .addStore({ name: 'second', keySerde: stringSerde, valueSerde: stringSerde, kind: 'in-memory', changelog: false })
    .addProcessor({ name: 'uses-both', parents: ['in'], stores: ['first', 'second'], supplier: () => ({ process: () => undefined }) })
    .build();
}

describe('StreamTask commit, step 4', () => {
  it('starts every store flush before any of them finishes, so their batches reach RocksDB together', async () => {
    const built = topology();
    const started: string[] = [];
    const first = heldStore('first', started);
    const second = heldStore('second', started);
    const task = await StreamTask.create({
      applicationId: 'app',
      topology: built,
      subTopology: built.subTopologies[0]!,
      partition: 0,
      collector: { send: () => undefined, partitionCount: () => 1, maxRecordBytes: () => 1024 * 1024 },
      stores: new Map([
        ['first', first.store],
        ['second', second.store],
      ]),
      clock: Date.now,
      errorPolicies: { deserialization: 'fail', processing: 'fail' },
      deadLetterTopic: 'app-dlq',
      inputPartitions: () => ({ count: 1, countRead: 0, readsStarted: 0 }),
    });
    let completed = false;
    const committing = task.completeCommit(new Map()).then(() => {
      completed = true;
    });
    await new Promise((resolve) => setImmediate(resolve));
    expect(started).toEqual(['first', 'second']);
    first.finish();
    await new Promise((resolve) => setImmediate(resolve));
    expect(completed).toBe(false);
    second.finish();
    await committing;
    expect(completed).toBe(true);
  });
});
