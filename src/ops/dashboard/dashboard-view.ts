import type { AppSnapshot, StoreSize } from '../../runtime/app-snapshot.js';
import type { TopologyGraph } from '../../topology/topology-graph.js';
import type {
  DeadLettersPanel,
  HistoryPanel,
  LagPanel,
  LatePanel,
  NodeMetricsPanel,
  NoteRow,
  OverviewPanel,
  ShardRow,
  ShardsPanel,
  StoresPanel,
  TaskRow,
  TasksPanel,
} from './dashboard-types.js';

/** Each panel is a pure function of one snapshot (and the graph); the routes and live updates share them. */

const SHARD_METRIC = /^(held|oldestHeldMs|watermarkGtid|watermarkTime|watermarkLagMs):(.+)$/;

export function overviewPanel(snapshot: AppSnapshot, now: number): OverviewPanel {
  return {
    applicationId: snapshot.applicationId,
    instanceId: snapshot.instanceId,
    endpoint: snapshot.endpoint ?? null,
    state: snapshot.state,
    ready: snapshot.ready,
    startedAt: snapshot.startedAt,
    now,
    recordsIn: sum(Object.values(snapshot.recordsIn)),
    recordsOut: sum(Object.values(snapshot.recordsOut)),
    deadLetters: snapshot.deadLetters,
    lateEvents: processorTotal(snapshot, 'eventsReleasedLate'),
    commits: snapshot.commits.count,
    totalLag: sum(snapshot.lag.map((l) => l.lag)),
  };
}

export function nodeMetricsPanel(snapshot: AppSnapshot): NodeMetricsPanel {
  const processors: Record<string, Record<string, Readonly<Record<string, number>>>> = {};
  for (const task of snapshot.tasks) {
    for (const [node, metrics] of Object.entries(task.processors)) (processors[node] ??= {})[task.taskId] = metrics;
  }
  const topics: Record<string, { recordsIn: number; recordsOut: number; lag: number | null }> = {};
  const topic = (name: string) => (topics[name] ??= { recordsIn: 0, recordsOut: 0, lag: null });
  for (const [name, n] of Object.entries(snapshot.recordsIn)) topic(name).recordsIn = n;
  for (const [name, n] of Object.entries(snapshot.recordsOut)) topic(name).recordsOut = n;
  for (const l of snapshot.lag) {
    const entry = topic(l.topic);
    entry.lag = (entry.lag ?? 0) + l.lag;
  }
  return { processors, topics };
}

/**
 * The tasks the instance runs, and those it is still opening or restoring (the snapshot lists a task
 * once it runs; the transitions say what the others are doing).
 */
export function tasksPanel(snapshot: AppSnapshot, graph: TopologyGraph | undefined): TasksPanel {
  const owner = snapshot.endpoint ?? snapshot.instanceId;
  const inputTopics = (sub: number) =>
    graph === undefined ? [] : graph.topics.filter((t) => t.readBy.some((node) => graph.nodes.find((n) => n.name === node)?.subTopology === sub)).map((t) => t.name);
  const latest = new Map<string, { state: TaskRow['state']; at: number }>();
  for (const t of snapshot.taskTransitions ?? []) latest.set(t.taskId, { state: t.to, at: t.at });
  const restore = new Map<string, { restored: number; total: number }>();
  for (const r of snapshot.restore) {
    const entry = restore.get(r.taskId) ?? { restored: 0, total: 0 };
    restore.set(r.taskId, { restored: entry.restored + r.restored, total: entry.total + r.total });
  }
  const rows: TaskRow[] = snapshot.tasks.map((t) => ({
    taskId: t.taskId,
    subTopology: t.subTopology,
    partition: t.partition,
    topics: inputTopics(t.subTopology),
    state: t.state,
    owner,
    thread: t.thread ?? 'main',
    recordsProcessed: t.recordsProcessed,
    restored: restore.get(t.taskId)?.restored ?? null,
    restoreTotal: restore.get(t.taskId)?.total ?? null,
    since: latest.get(t.taskId)?.at ?? null,
  }));
  const listed = new Set(rows.map((r) => r.taskId));
  for (const [taskId, { state, at }] of latest) {
    if (listed.has(taskId) || state === 'CLOSED') continue;
    const [sub, partition] = taskId.split('_').map(Number);
    rows.push({
      taskId,
      subTopology: sub ?? 0,
      partition: partition ?? 0,
      topics: inputTopics(sub ?? 0),
      state,
      owner,
      thread: 'main',
      recordsProcessed: null,
      restored: restore.get(taskId)?.restored ?? null,
      restoreTotal: restore.get(taskId)?.total ?? null,
      since: at,
    });
  }
  return { tasks: rows.sort((a, b) => a.subTopology - b.subTopology || a.partition - b.partition) };
}

export function lagPanel(snapshot: AppSnapshot): LagPanel {
  const partitions = [...snapshot.lag].sort((a, b) => a.topic.localeCompare(b.topic) || a.partition - b.partition);
  return { total: sum(partitions.map((p) => p.lag)), partitions: partitions.map(({ topic, partition, lag }) => ({ topic, partition, lag })) };
}

/** Per shard, from the resequencer's per-shard metrics (`held:<serverId>` and the like), over all tasks. */
export function shardsPanel(snapshot: AppSnapshot): ShardsPanel {
  const rows = new Map<string, { -readonly [K in keyof ShardRow]: ShardRow[K] }>();
  for (const task of snapshot.tasks) {
    for (const [node, metrics] of Object.entries(task.processors)) {
      for (const [name, value] of Object.entries(metrics)) {
        const match = SHARD_METRIC.exec(name);
        if (match === null) continue;
        const serverId = match[2]!;
        const key = `${node}\u0000${serverId}`;
        let row = rows.get(key);
        if (row === undefined) {
          row = { serverId, node, watermarkGtid: null, watermarkTime: null, held: 0, oldestHeldMs: 0, watermarkLagMs: null };
          rows.set(key, row);
        }
        switch (match[1]) {
          case 'held':
            row.held += value;
            break;
          case 'oldestHeldMs':
            row.oldestHeldMs = Math.max(row.oldestHeldMs, value);
            break;
          case 'watermarkGtid':
            row.watermarkGtid = row.watermarkGtid === null ? value : Math.min(row.watermarkGtid, value);
            break;
          case 'watermarkTime':
            row.watermarkTime = row.watermarkTime === null ? value : Math.min(row.watermarkTime, value);
            break;
          case 'watermarkLagMs':
            row.watermarkLagMs = Math.max(row.watermarkLagMs ?? 0, value);
            break;
        }
      }
    }
  }
  const shards = [...rows.values()].sort((a, b) => a.node.localeCompare(b.node) || a.serverId.localeCompare(b.serverId, undefined, { numeric: true }));
  const waiting = shards.filter((s) => s.held > 0).sort((a, b) => b.oldestHeldMs - a.oldestHeldMs);
  return { shards, slowest: waiting[0]?.serverId ?? null };
}

export function deadLettersPanel(snapshot: AppSnapshot): DeadLettersPanel {
  const recent = [...(snapshot.recentDeadLetters ?? [])].reverse().map((d) => ({
    at: d.at,
    taskId: d.taskId,
    deadLetterTopic: d.deadLetterTopic,
    sourceTopic: d.sourceTopic ?? null,
    sourcePartition: d.sourcePartition ?? null,
    sourceOffset: d.sourceOffset ?? null,
    errorClass: d.errorClass ?? null,
    errorMessage: d.errorMessage ?? null,
  }));
  return { total: snapshot.deadLetters, recent };
}

export function latePanel(snapshot: AppSnapshot): LatePanel {
  const recent: NoteRow[] = [];
  for (const task of snapshot.tasks) {
    for (const [node, notes] of Object.entries(task.notes ?? {})) {
      for (const note of notes) recent.push({ at: note.at, taskId: task.taskId, node, kind: note.kind, message: note.message });
    }
  }
  recent.sort((a, b) => b.at - a.at);
  return { total: processorTotal(snapshot, 'eventsReleasedLate'), stalledShards: processorTotal(snapshot, 'stalledShards'), recent: recent.slice(0, 20) };
}

export function historyPanel(snapshot: AppSnapshot): HistoryPanel {
  return {
    rebalances: [...(snapshot.rebalances ?? [])].reverse().map((r) => ({ ...r, durationMs: r.durationMs ?? null })),
    transitions: [...(snapshot.taskTransitions ?? [])].reverse(),
  };
}

export function storesPanel(sizes: readonly StoreSize[] | undefined): StoresPanel {
  if (sizes === undefined) return { available: false, stores: [] };
  return { available: true, stores: [...sizes].sort((a, b) => a.store.localeCompare(b.store) || a.taskId.localeCompare(b.taskId, undefined, { numeric: true })) };
}

/** A processor metric summed over every node of every task. */
export function processorTotal(snapshot: AppSnapshot, name: string): number {
  let total = 0;
  for (const task of snapshot.tasks) for (const metrics of Object.values(task.processors)) total += metrics[name] ?? 0;
  return total;
}

function sum(values: readonly number[]): number {
  return values.reduce((a, b) => a + b, 0);
}
