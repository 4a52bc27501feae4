import { describe, expect, it } from 'vitest';
import { lagPanel, latePanel, shardsPanel, tasksPanel, historyPanel, deadLettersPanel } from '../../../src/ops/dashboard/dashboard-view.js';
import { ThroughputSamples } from '../../../src/ops/dashboard/throughput-samples.js';
import type { TopologyGraph } from '../../../src/topology/topology-graph.js';
import { snapshotOf } from '../fake-operable-app.js';

const graph: TopologyGraph = {
  subTopologies: [{ id: 0, nodes: ['src', 'sink'] }, { id: 1, nodes: ['rsrc', 'reseq'] }],
  nodes: [
    { name: 'src', kind: 'source', subTopology: 0, topics: ['dts.sale'], stores: [], parents: [], children: ['sink'] },
    { name: 'sink', kind: 'sink', subTopology: 0, topics: ['app-repartition'], stores: [], parents: ['src'], children: [] },
    { name: 'rsrc', kind: 'source', subTopology: 1, topics: ['app-repartition'], stores: [], parents: [], children: ['reseq'] },
    { name: 'reseq', kind: 'processor', subTopology: 1, topics: [], stores: [], parents: ['rsrc'], children: [] },
  ],
  topics: [
    { name: 'dts.sale', logicalName: 'dts.sale', internal: false, readBy: ['src'], writtenBy: [] },
    { name: 'app-repartition', logicalName: 'repartition', internal: true, readBy: ['rsrc'], writtenBy: ['sink'] },
  ],
  stores: [],
};

const resequencerTask = (taskId: string, partition: number, metrics: Record<string, number>) => ({
  taskId,
  subTopology: 1,
  partition,
  state: 'RUNNING' as const,
  recordsProcessed: 5,
  processors: { reseq: metrics },
});

describe('dashboard panels', () => {
  it('tasks: lists running tasks with their input topics and owner, and tasks still restoring from their last transition', () => {
    const snapshot = snapshotOf({
      endpoint: 'host-a:8080',
      tasks: [{ taskId: '0_0', subTopology: 0, partition: 0, state: 'RUNNING', recordsProcessed: 120, processors: {}, thread: 'main' }],
      restore: [{ taskId: '1_0', store: 'held', restored: 40, total: 100, done: false }],
      taskTransitions: [
        { at: 10, taskId: '0_0', from: 'CREATED', to: 'RESTORING' },
        { at: 11, taskId: '1_0', from: 'CREATED', to: 'RESTORING' },
        { at: 12, taskId: '0_0', from: 'RESTORING', to: 'RUNNING' },
        { at: 13, taskId: '0_5', from: 'RUNNING', to: 'CLOSED' },
      ],
    });
    expect(tasksPanel(snapshot, graph).tasks).toEqual([
      { taskId: '0_0', subTopology: 0, partition: 0, topics: ['dts.sale'], state: 'RUNNING', owner: 'host-a:8080', thread: 'main', recordsProcessed: 120, restored: null, restoreTotal: null, since: 12 },
      { taskId: '1_0', subTopology: 1, partition: 0, topics: ['app-repartition'], state: 'RESTORING', owner: 'host-a:8080', thread: 'main', recordsProcessed: null, restored: 40, restoreTotal: 100, since: 11 },
    ]);
  });

  it('shards: sums held events over tasks, takes the oldest wait and the lowest watermark, and names the slowest shard', () => {
    const snapshot = snapshotOf({
      tasks: [
        resequencerTask('1_0', 0, { 'held:1': 3, 'oldestHeldMs:1': 200, 'watermarkGtid:1': 40, 'watermarkTime:1': 9000, 'held:2': 0, 'oldestHeldMs:2': 0, eventsHeld: 3 }),
        resequencerTask('1_1', 1, { 'held:1': 2, 'oldestHeldMs:1': 900, 'watermarkGtid:1': 38, 'watermarkTime:1': 8000, 'watermarkLagMs:1': 50, 'held:2': 4, 'oldestHeldMs:2': 300 }),
      ],
    });
    expect(shardsPanel(snapshot)).toEqual({
      shards: [
        { serverId: '1', node: 'reseq', watermarkGtid: 38, watermarkTime: 8000, held: 5, oldestHeldMs: 900, watermarkLagMs: 50 },
        { serverId: '2', node: 'reseq', watermarkGtid: null, watermarkTime: null, held: 4, oldestHeldMs: 300, watermarkLagMs: null },
      ],
      slowest: '1',
    });
  });

  it('lag: every partition sorted by topic and partition, with the total', () => {
    const snapshot = snapshotOf({ lag: [{ topic: 'b', partition: 1, lag: 4 }, { topic: 'a', partition: 2, lag: 0 }, { topic: 'b', partition: 0, lag: 6 }] });
    expect(lagPanel(snapshot)).toEqual({
      total: 10,
      partitions: [{ topic: 'a', partition: 2, lag: 0 }, { topic: 'b', partition: 0, lag: 6 }, { topic: 'b', partition: 1, lag: 4 }],
    });
  });

  it('dead letters, late events and history come newest first', () => {
    const snapshot = snapshotOf({
      deadLetters: 2,
      recentDeadLetters: [
        { at: 1, taskId: '0_0', deadLetterTopic: 'app-dlq', sourceTopic: 'in', sourcePartition: 0, sourceOffset: '5', errorClass: 'A', errorMessage: 'first' },
        { at: 2, taskId: '0_0', deadLetterTopic: 'app-dlq', sourceTopic: undefined, sourcePartition: undefined, sourceOffset: undefined, errorClass: 'B', errorMessage: undefined },
      ],
      tasks: [
        { ...resequencerTask('1_0', 0, { eventsReleasedLate: 3, stalledShards: 1 }), notes: { reseq: [{ at: 5, kind: 'stall', message: 's1' }, { at: 8, kind: 'late', message: 'l1' }] } },
      ],
      rebalances: [
        { at: 1, kind: 'started', tasks: [], added: [], removed: [] },
        { at: 3, kind: 'assigned', tasks: ['0_0'], added: ['0_0'], removed: [], durationMs: 2 },
      ],
    });
    expect(deadLettersPanel(snapshot).recent.map((d) => [d.at, d.errorClass, d.sourceTopic])).toEqual([[2, 'B', null], [1, 'A', 'in']]);
    expect(latePanel(snapshot)).toEqual({
      total: 3,
      stalledShards: 1,
      recent: [
        { at: 8, taskId: '1_0', node: 'reseq', kind: 'late', message: 'l1' },
        { at: 5, taskId: '1_0', node: 'reseq', kind: 'stall', message: 's1' },
      ],
    });
    expect(historyPanel(snapshot).rebalances.map((r) => [r.kind, r.durationMs])).toEqual([['assigned', 2], ['started', null]]);
  });
});

describe('ThroughputSamples', () => {
  it('turns counters read at least a second apart into rates, counting only output topics, and skips counters that went down', () => {
    const samples = new ThroughputSamples((topic) => topic === 'out');
    const at = (recordsIn: number, out: number, commits: number, commitMs: number) =>
      snapshotOf({ recordsIn: { in: recordsIn }, recordsOut: { out, 'app-changelog': out * 10 }, commits: { count: commits, totalMs: commitMs, lastMs: 0, maxMs: 0 } });
    samples.observe(at(0, 0, 0, 0), 0);
    samples.observe(at(100, 50, 2, 30), 500); // under a second after the last point: ignored
    samples.observe(at(300, 100, 4, 60), 2000);
    samples.observe(at(300, 100, 4, 60), 3000);
    samples.observe(at(10, 5, 1, 1), 4000); // restarted
    expect(samples.panel().points).toEqual([
      { at: 2000, inPerSecond: 150, outPerSecond: 50, commitMs: 15, oldestHeldMs: 0 },
      { at: 3000, inPerSecond: 0, outPerSecond: 0, commitMs: null, oldestHeldMs: 0 },
      { at: 4000, inPerSecond: 0, outPerSecond: 0, commitMs: null, oldestHeldMs: 0 },
    ]);
  });
});
