import type { ComponentChildren } from 'preact';
import type { DashboardUpdate } from './api.js';
import { bytes, clock, compact, count, duration, eventTime, rate } from './format.js';
import { Sparkline } from './sparkline.js';

export function Panel(props: { readonly id: string; readonly title: string; readonly api: string; readonly wide?: boolean; readonly children: ComponentChildren }) {
  return (
    <section class={`panel${props.wide === true ? ' wide' : ''}`} data-panel={props.id}>
      <header>
        <h2>{props.title}</h2>
        <a class="api" href={props.api} title="the JSON behind this panel">JSON</a>
      </header>
      {props.children}
    </section>
  );
}

export function TasksTable({ update }: { readonly update: DashboardUpdate }) {
  const tasks = update.tasks.tasks;
  if (tasks.length === 0) return <p class="hint">No tasks on this instance yet ({update.overview.state}).</p>;
  return (
    <table>
      <thead><tr><th>task</th><th>state</th><th>input partitions</th><th>owner / thread</th><th>processed</th><th>restored</th><th>since</th></tr></thead>
      <tbody>
        {tasks.map((t) => (
          <tr key={t.taskId} data-task={t.taskId} data-state={t.state}>
            <td>{t.taskId}</td>
            <td><span class={`state ${t.state.toLowerCase()}`}>{t.state}</span></td>
            <td>{t.topics.map((topic) => `${topic}[${t.partition}]`).join(', ')}</td>
            <td>{t.owner} / {t.thread}</td>
            <td>{count(t.recordsProcessed)}</td>
            <td>{t.restoreTotal === null ? '–' : `${count(t.restored)} / ${count(t.restoreTotal)}`}</td>
            <td>{t.since === null ? '–' : clock(t.since)}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

export function LagTable({ update }: { readonly update: DashboardUpdate }) {
  const { partitions, total } = update.lag;
  const max = Math.max(1, ...partitions.map((p) => p.lag));
  if (partitions.length === 0) return <p class="hint">No lag measured yet: a partition's lag is measured each time a batch of it is processed.</p>;
  return (
    <>
      <p class="total" data-total-lag={total}>total lag <strong>{count(total)}</strong></p>
      <table>
        <thead><tr><th>topic</th><th>partition</th><th>lag</th><th /></tr></thead>
        <tbody>
          {partitions.map((p) => (
            <tr key={`${p.topic}/${p.partition}`} data-lag-topic={p.topic} data-lag-partition={p.partition} data-lag={p.lag}>
              <td>{p.topic}</td>
              <td>{p.partition}</td>
              <td>{count(p.lag)}</td>
              <td class="bar-cell"><div class="bar" style={{ width: `${(100 * p.lag) / max}%` }} /></td>
            </tr>
          ))}
        </tbody>
      </table>
    </>
  );
}

export function ShardsTable({ update }: { readonly update: DashboardUpdate }) {
  const { shards, slowest } = update.shards;
  if (shards.length === 0) return <p class="hint">No resequencer in this topology, or no shard seen yet.</p>;
  return (
    <table>
      <thead><tr><th>shard</th><th>watermark GTID</th><th>watermark (event time)</th><th>held</th><th>oldest held</th><th>partition spread</th></tr></thead>
      <tbody>
        {shards.map((s) => (
          <tr key={`${s.node}/${s.serverId}`} data-shard={s.serverId} class={s.serverId === slowest ? 'slowest' : ''}>
            <td>{s.serverId}{s.serverId === slowest ? ' (slowest)' : ''}</td>
            <td>{count(s.watermarkGtid)}</td>
            <td>{eventTime(s.watermarkTime)}</td>
            <td>{count(s.held)}</td>
            <td>{s.held > 0 ? duration(s.oldestHeldMs) : '–'}</td>
            <td>{duration(s.watermarkLagMs)}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

const GAP_MS = 10_000;

export function Throughput({ update }: { readonly update: DashboardUpdate }) {
  const observed = update.throughput.points;
  if (observed.length < 2) return <p class="hint">Rates appear after a few seconds of watching.</p>;
  const last = observed[observed.length - 1]!;
  // Points are taken only while someone watches: break the lines where nobody did.
  const points: Array<{ at: number; inPerSecond: number | null; outPerSecond: number | null; commitMs: number | null; oldestHeldMs: number | null }> = [];
  for (const p of observed) {
    const previous = points[points.length - 1];
    if (previous !== undefined && p.at - previous.at > GAP_MS) points.push({ at: previous.at + 1, inPerSecond: null, outPerSecond: null, commitMs: null, oldestHeldMs: null });
    points.push(p);
  }
  const times = points.map((p) => p.at);
  return (
    <div class="charts">
      <div>
        <h3>throughput (records/s) — now {rate(last.inPerSecond)} in, {rate(last.outPerSecond)} out</h3>
        <Sparkline
          times={times}
          format={compact}
          series={[
            { label: 'in', color: '#2563eb', values: points.map((p) => p.inPerSecond) },
            { label: 'out', color: '#16a34a', values: points.map((p) => p.outPerSecond) },
          ]}
        />
      </div>
      <div>
        <h3>latency — commit {duration(last.commitMs)}, oldest held {duration(last.oldestHeldMs)}</h3>
        <Sparkline
          times={times}
          format={(ms) => (ms >= 1000 ? `${compact(ms / 1000)} s` : `${compact(ms)} ms`)}
          series={[
            { label: 'commit', color: '#9333ea', values: points.map((p) => p.commitMs) },
            { label: 'oldest held', color: '#ea580c', values: points.map((p) => p.oldestHeldMs) },
          ]}
        />
      </div>
    </div>
  );
}

export function DeadLetters({ update }: { readonly update: DashboardUpdate }) {
  const { total, recent } = update.deadLetters;
  return (
    <>
      <p class="total" data-dead-letters={total}>dead letters <strong class={total > 0 ? 'bad' : ''}>{count(total)}</strong></p>
      {recent.length === 0 ? (
        <p class="hint">None on this instance since it started.</p>
      ) : (
        <ul class="notes">
          {recent.map((d, i) => (
            <li key={i} data-dead-letter-topic={d.sourceTopic ?? ''} data-dead-letter-partition={d.sourcePartition ?? ''} data-dead-letter-offset={d.sourceOffset ?? ''}>
              <span class="when">{clock(d.at)}</span>
              <span class="where">{d.sourceTopic === null ? `task ${d.taskId}` : `${d.sourceTopic}[${d.sourcePartition ?? '?'}] @${d.sourceOffset ?? '?'}`}</span>
              <span class="what">{d.errorClass ?? 'unknown error'}: {d.errorMessage ?? ''}</span>
            </li>
          ))}
        </ul>
      )}
    </>
  );
}

export function LateEvents({ update }: { readonly update: DashboardUpdate }) {
  const { total, stalledShards, recent } = update.late;
  return (
    <>
      <p class="total" data-late={total}>
        flagged late <strong class={total > 0 ? 'warn' : ''}>{count(total)}</strong> · stalled shards <strong class={stalledShards > 0 ? 'warn' : ''}>{count(stalledShards)}</strong>
      </p>
      {recent.length === 0 ? (
        <p class="hint">No late releases or stalls noted.</p>
      ) : (
        <ul class="notes">
          {recent.map((n, i) => (
            <li key={i} data-note-kind={n.kind}>
              <span class="when">{clock(n.at)}</span>
              <span class="where">{n.kind} · task {n.taskId}</span>
              <span class="what">{n.message}</span>
            </li>
          ))}
        </ul>
      )}
    </>
  );
}

export function History({ update }: { readonly update: DashboardUpdate }) {
  const { rebalances, transitions } = update.history;
  return (
    <div class="history">
      <div>
        <h3>rebalances</h3>
        <ul class="notes">
          {rebalances.slice(0, 12).map((r, i) => (
            <li key={i} data-rebalance={r.kind}>
              <span class="when">{clock(r.at)}</span>
              <span class="what">
                {r.kind === 'started'
                  ? `rebalance began (had ${r.tasks.length} tasks)`
                  : `assigned ${r.tasks.length} tasks${r.added.length > 0 ? `, +${r.added.join(' +')}` : ''}${r.removed.length > 0 ? `, −${r.removed.join(' −')}` : ''}${r.durationMs === null ? '' : ` in ${duration(r.durationMs)}`}`}
              </span>
            </li>
          ))}
        </ul>
      </div>
      <div>
        <h3>task transitions</h3>
        <ul class="notes transitions">
          {transitions.slice(0, 40).map((t, i) => (
            <li key={i} data-transition-task={t.taskId} data-from={t.from} data-to={t.to}>
              <span class="when">{clock(t.at)}</span>
              <span class="what">task {t.taskId}: {t.from} → <span class={`state ${t.to.toLowerCase()}`}>{t.to}</span></span>
            </li>
          ))}
        </ul>
      </div>
    </div>
  );
}

export function Stores({ update }: { readonly update: DashboardUpdate }) {
  if (!update.stores.available) return <p class="hint">This application does not report store sizes.</p>;
  const byStore = new Map<string, { entries: number; bytes: number; tasks: number }>();
  for (const s of update.stores.stores) {
    const entry = byStore.get(s.store) ?? { entries: 0, bytes: 0, tasks: 0 };
    byStore.set(s.store, { entries: entry.entries + s.entries, bytes: entry.bytes + s.bytes, tasks: entry.tasks + 1 });
  }
  if (byStore.size === 0) return <p class="hint">No stores open on this instance.</p>;
  return (
    <table>
      <thead><tr><th>store</th><th>tasks</th><th>entries (est.)</th><th>size (est.)</th></tr></thead>
      <tbody>
        {[...byStore].map(([store, s]) => (
          <tr key={store} data-store={store}><td>{store}</td><td>{s.tasks}</td><td>{count(s.entries)}</td><td>{bytes(s.bytes)}</td></tr>
        ))}
      </tbody>
    </table>
  );
}
