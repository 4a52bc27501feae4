import { render } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import { fetchTopology, subscribe, type Connection, type DashboardUpdate, type TopologyPanel } from './api.js';
import { count, duration } from './format.js';
import { DeadLetters, History, LagTable, LateEvents, Panel, ShardsTable, Stores, TasksTable, Throughput } from './panels.js';
import { SelectionDetails, TopologyView, type Selection } from './topology-view.js';
import './style.css';

function App() {
  const [topology, setTopology] = useState<TopologyPanel | null>(null);
  const [update, setUpdate] = useState<DashboardUpdate | null>(null);
  const [connection, setConnection] = useState<Connection>('connecting');
  const [selected, setSelected] = useState<Selection | null>(null);
  const [problem, setProblem] = useState<string | null>(null);

  useEffect(() => {
    fetchTopology().then(setTopology, (error: unknown) => setProblem(String(error)));
    return subscribe(setUpdate, setConnection);
  }, []);

  const o = update?.overview;
  return (
    <>
      <header class="top">
        <h1>{o?.applicationId ?? 'cdc-streams'}</h1>
        <span class={`state app ${(o?.state ?? 'connecting').toLowerCase()}`} data-app-state={o?.state ?? ''}>{o?.state ?? '…'}</span>
        <span class={`connection ${connection}`} data-connection={connection}>{connection === 'live' ? '● live' : connection === 'reconnecting' ? '○ reconnecting…' : '○ connecting…'}</span>
        {o !== undefined && (
          <dl>
            <dt>instance</dt><dd data-instance-id={o.instanceId} title={`instance ${o.instanceId}`}>{o.endpoint ?? o.instanceId}</dd>
            <dt>up</dt><dd>{duration(o.now - o.startedAt)}</dd>
            <dt>in</dt><dd>{count(o.recordsIn)}</dd>
            <dt>out</dt><dd>{count(o.recordsOut)}</dd>
            <dt>lag</dt><dd>{count(o.totalLag)}</dd>
            <dt>dead letters</dt><dd class={o.deadLetters > 0 ? 'bad' : ''}>{count(o.deadLetters)}</dd>
            <dt>late</dt><dd class={o.lateEvents > 0 ? 'warn' : ''}>{count(o.lateEvents)}</dd>
            <dt>commits</dt><dd>{count(o.commits)}</dd>
          </dl>
        )}
      </header>
      {problem !== null && <p class="problem">{problem}</p>}
      <main>
        <Panel id="topology" title="Topology" api="/api/topology" wide>
          <div class="topology-row">
            <div class="topology-scroll">{topology !== null && <TopologyView topology={topology} selected={selected} onSelect={setSelected} />}</div>
            {topology !== null && <SelectionDetails topology={topology} selection={selected} update={update} />}
          </div>
        </Panel>
        {update === null ? (
          <p class="hint">waiting for the first update…</p>
        ) : (
          <>
            <Panel id="throughput" title="Throughput and latency" api="/api/throughput" wide><Throughput update={update} /></Panel>
            <Panel id="tasks" title="Tasks" api="/api/tasks" wide><TasksTable update={update} /></Panel>
            <Panel id="lag" title="Consumer lag" api="/api/lag"><LagTable update={update} /></Panel>
            <Panel id="shards" title="Shards: watermarks and held events" api="/api/shards"><ShardsTable update={update} /></Panel>
            <Panel id="dead-letters" title="Dead letters" api="/api/dead-letters"><DeadLetters update={update} /></Panel>
            <Panel id="late" title="Late events and stalls" api="/api/late"><LateEvents update={update} /></Panel>
            <Panel id="history" title="Rebalances and task history" api="/api/history"><History update={update} /></Panel>
            <Panel id="stores" title="State stores" api="/api/stores"><Stores update={update} /></Panel>
          </>
        )}
      </main>
    </>
  );
}

render(<App />, document.getElementById('app')!);
