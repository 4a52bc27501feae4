import { describe, expect, it } from 'vitest';
import { StreamsBuilder } from '../../src/dsl/streams-builder.js';
import { remoteOwner, storeOwnersReport } from '../../src/runtime/store-owners.js';
import { stringSerde } from '../../src/serde/string-serde.js';
import type { Topology } from '../../src/topology/topology.js';

/** Sub-topology 0 counts `in` by key (store `counts`); `rates` is a global table. */
function topology(): Topology {
  const b = new StreamsBuilder();
  b.stream<string, string>('in', { keySerde: stringSerde, valueSerde: stringSerde }).groupByKey().count({ storeName: 'counts' });
  b.globalTable<string, string>('rates-topic', { keySerde: stringSerde, valueSerde: stringSerde, storeName: 'rates' });
  return b.build();
}

describe('storeOwnersReport', () => {
  it("names each partition's owner from the assignment, which ones run here, and every instance", () => {
    const report = storeOwnersReport({
      topology: topology(),
      applicationId: 'app',
      taskCounts: new Map([[0, 3]]),
      ownership: { owners: { '0_0': 'host-a:8080', '0_1': 'host-b:8080', '0_2': null }, endpoints: ['host-b:8080', 'host-a:8080', 'host-c:8080'] },
      self: 'host-a:8080',
      localTasks: new Set(['0_0']),
    });
    expect(report).toEqual({
      applicationId: 'app',
      self: 'host-a:8080',
      known: true,
      instances: ['host-a:8080', 'host-b:8080', 'host-c:8080'],
      stores: [
        {
          store: 'counts',
          global: false,
          partitions: [
            { partition: 0, taskId: '0_0', owner: 'host-a:8080', local: true },
            { partition: 1, taskId: '0_1', owner: 'host-b:8080', local: false },
            { partition: 2, taskId: '0_2', owner: null, local: false },
          ],
        },
        { store: 'rates', global: true, partitions: [] },
      ],
    });
  });

  it('before any assignment was read, names only itself for the tasks it runs', () => {
    const report = storeOwnersReport({ topology: topology(), applicationId: 'app', taskCounts: new Map([[0, 2]]), ownership: undefined, self: 'host-a:8080', localTasks: new Set(['0_1']) });
    expect(report.known).toBe(false);
    expect(report.instances).toEqual(['host-a:8080']);
    expect(report.stores[0]!.partitions.map((p) => p.owner)).toEqual([null, 'host-a:8080']);
  });

  it('lists the partitions an assignment names beyond the count read at start (the input grew)', () => {
    const report = storeOwnersReport({ topology: topology(), applicationId: 'app', taskCounts: new Map([[0, 1]]), ownership: { owners: { '0_0': 'a:1', '0_1': 'b:1' } }, self: 'a:1', localTasks: new Set() });
    expect(report.stores[0]!.partitions.map((p) => [p.partition, p.owner])).toEqual([[0, 'a:1'], [1, 'b:1']]);
    expect(report.instances).toEqual(['a:1', 'b:1']);
  });
});

describe('remoteOwner', () => {
  const ownership = { owners: { '0_0': 'host-a:8080', '0_1': 'host-b:8080', '0_2': null } };

  it('names the owner of a task held by another instance', () => {
    expect(remoteOwner(ownership, '0_1', 'host-a:8080')).toEqual({ owner: 'host-b:8080' });
  });

  it('names no owner, saying why, when none can be asked', () => {
    expect(remoteOwner(undefined, '0_1', 'host-a:8080').reason).toMatch(/rebalancing/);
    expect(remoteOwner(ownership, '0_9', 'host-a:8080').reason).toMatch(/rebalancing/);
    expect(remoteOwner(ownership, '0_2', 'host-a:8080').reason).toMatch(/no ops server/);
    expect(remoteOwner(ownership, '0_0', 'host-a:8080').reason).toMatch(/still starting/);
    for (const key of ['0_0', '0_2', '0_9']) expect(remoteOwner(ownership, key, 'host-a:8080').owner).toBeUndefined();
  });
});
