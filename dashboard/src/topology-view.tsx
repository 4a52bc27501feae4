import { Graph, layout } from '@dagrejs/dagre';
import { useMemo } from 'preact/hooks';
import type { DashboardUpdate, TopologyPanel } from './api.js';
import { bytes, count } from './format.js';

export type Selection = { readonly kind: 'node' | 'topic' | 'store'; readonly name: string };

interface Box {
  readonly id: string;
  readonly kind: 'source' | 'processor' | 'sink' | 'topic' | 'internal-topic' | 'store';
  readonly name: string;
  readonly label: string;
  readonly x: number;
  readonly y: number;
  readonly width: number;
  readonly height: number;
}

interface Cluster {
  readonly id: number;
  readonly x: number;
  readonly y: number;
  readonly width: number;
  readonly height: number;
}

interface Line {
  readonly points: ReadonlyArray<{ readonly x: number; readonly y: number }>;
  readonly store: boolean;
}

interface Laid {
  readonly viewBox: { readonly x: number; readonly y: number; readonly width: number; readonly height: number };
  readonly boxes: readonly Box[];
  readonly clusters: readonly Cluster[];
  readonly lines: readonly Line[];
}

const CHAR_WIDTH = 7;
const NODE_HEIGHT = 34;

/** Lays the graph out with dagre: sub-topologies as clusters holding their nodes and stores, topics between them. */
function layOut(topology: TopologyPanel): Laid {
  const g = new Graph({ compound: true, multigraph: false });
  g.setGraph({ rankdir: 'TB', nodesep: 24, ranksep: 34, marginx: 12, marginy: 12 });
  g.setDefaultEdgeLabel(() => ({}));
  const kinds = new Map<string, { kind: Box['kind']; name: string }>();
  const add = (id: string, kind: Box['kind'], name: string, parent?: string, label = name) => {
    kinds.set(id, { kind, name });
    g.setNode(id, { width: Math.max(90, label.length * CHAR_WIDTH + 28), height: NODE_HEIGHT, label });
    if (parent !== undefined) g.setParent(id, parent);
  };
  for (const sub of topology.subTopologies) g.setNode(`sub:${sub.id}`, { width: 0, height: 0, label: `Sub-topology ${sub.id}`, paddingTop: 20 });
  for (const node of topology.nodes) add(`node:${node.name}`, node.kind, node.name, `sub:${node.subTopology}`);
  for (const store of topology.stores) {
    const owner = topology.nodes.find((n) => store.processors.includes(n.name));
    add(`store:${store.name}`, 'store', store.name, owner === undefined ? undefined : `sub:${owner.subTopology}`);
  }
  // Internal topics by their name in the topology, as `describe` prints them; the physical name is in the details.
  for (const topic of topology.topics) add(`topic:${topic.name}`, topic.internal ? 'internal-topic' : 'topic', topic.name, undefined, topic.logicalName);
  const storeEdges = new Set<string>();
  for (const node of topology.nodes) {
    for (const child of node.children) g.setEdge(`node:${node.name}`, `node:${child}`);
    for (const store of node.stores) {
      g.setEdge(`node:${node.name}`, `store:${store}`);
      storeEdges.add(`node:${node.name}->store:${store}`);
    }
  }
  for (const topic of topology.topics) {
    for (const reader of topic.readBy) g.setEdge(`topic:${topic.name}`, `node:${reader}`);
    for (const writer of topic.writtenBy) g.setEdge(`node:${writer}`, `topic:${topic.name}`);
  }
  layout(g);
  const boxes: Box[] = [];
  const clusters: Cluster[] = [];
  for (const id of g.nodes()) {
    const label = g.node(id);
    if (label === undefined || label.x === undefined || label.y === undefined) continue;
    if (id.startsWith('sub:')) {
      clusters.push({ id: Number(id.slice(4)), x: label.x - label.width / 2, y: label.y - label.height / 2, width: label.width, height: label.height });
      continue;
    }
    const known = kinds.get(id);
    if (known === undefined) continue;
    boxes.push({ id, kind: known.kind, name: known.name, label: String(label.label), x: label.x - label.width / 2, y: label.y - label.height / 2, width: label.width, height: label.height });
  }
  const lines: Line[] = g.edges().map((e) => ({ points: g.edge(e)?.points ?? [], store: storeEdges.has(`${e.v}->${e.w}`) }));
  // dagre may place clusters and edges slightly outside (0,0): frame whatever was drawn.
  const xs: number[] = [];
  const ys: number[] = [];
  for (const r of [...boxes, ...clusters]) {
    xs.push(r.x, r.x + r.width);
    ys.push(r.y, r.y + r.height);
  }
  for (const line of lines) for (const p of line.points) {
    xs.push(p.x);
    ys.push(p.y);
  }
  const pad = 8;
  const x = Math.min(0, ...xs) - pad;
  const y = Math.min(0, ...ys) - pad;
  const viewBox = { x, y, width: Math.max(...xs, 100) - x + pad, height: Math.max(...ys, 100) - y + pad };
  return { viewBox, boxes, clusters, lines };
}

function selectionOf(box: Box): Selection {
  if (box.kind === 'store') return { kind: 'store', name: box.name };
  if (box.kind === 'topic' || box.kind === 'internal-topic') return { kind: 'topic', name: box.name };
  return { kind: 'node', name: box.name };
}

/** The processor graph as SVG; click a node, topic or store for its numbers. */
export function TopologyView(props: {
  readonly topology: TopologyPanel;
  readonly selected: Selection | null;
  readonly onSelect: (selection: Selection) => void;
}) {
  const laid = useMemo(() => layOut(props.topology), [props.topology]);
  const path = (line: Line) => line.points.map((p, i) => `${i === 0 ? 'M' : 'L'}${p.x.toFixed(1)},${p.y.toFixed(1)}`).join(' ');
  return (
    <svg
      class="topology"
      viewBox={`${laid.viewBox.x} ${laid.viewBox.y} ${laid.viewBox.width} ${laid.viewBox.height}`}
      style={{ maxWidth: `${laid.viewBox.width}px` }}
      role="img"
      aria-label="topology"
    >
      <defs>
        <marker id="arrow" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="7" markerHeight="7" orient="auto-start-reverse">
          <path d="M 0 0 L 10 5 L 0 10 z" fill="#94a3b8" />
        </marker>
      </defs>
      {laid.clusters.map((c) => (
        <g class="cluster" key={`sub${c.id}`} data-sub-topology={c.id}>
          <rect x={c.x} y={c.y} width={c.width} height={c.height} rx="8" />
          <text x={c.x + 10} y={c.y + 15}>{`Sub-topology ${c.id}`}</text>
        </g>
      ))}
      {laid.lines.map((line, i) => (
        <path key={i} class={line.store ? 'edge store-edge' : 'edge'} d={path(line)} marker-end={line.store ? undefined : 'url(#arrow)'} />
      ))}
      {laid.boxes.map((box) => {
        const selection = selectionOf(box);
        const selected = props.selected?.kind === selection.kind && props.selected.name === selection.name;
        const round = box.kind === 'topic' || box.kind === 'internal-topic' ? box.height / 2 : box.kind === 'store' ? 12 : 4;
        return (
          <g
            key={box.id}
            class={`box ${box.kind}${selected ? ' selected' : ''}`}
            data-kind={box.kind}
            data-name={box.name}
            onClick={() => props.onSelect(selection)}
          >
            <rect x={box.x} y={box.y} width={box.width} height={box.height} rx={round} />
            <title>{box.name}</title>
            <text x={box.x + box.width / 2} y={box.y + box.height / 2 + 4} text-anchor="middle">
              {box.label}
            </text>
          </g>
        );
      })}
    </svg>
  );
}

/** What the selected element's numbers are, from the latest update. */
export function SelectionDetails(props: { readonly topology: TopologyPanel; readonly selection: Selection | null; readonly update: DashboardUpdate | null }) {
  const { selection, update, topology } = props;
  if (selection === null) return <p class="hint">Click a node, topic or store of the picture for its numbers.</p>;
  if (update === null) return <p class="hint">waiting for the first update…</p>;
  if (selection.kind === 'topic') {
    const t = update.metrics.topics[selection.name];
    const info = topology.topics.find((x) => x.name === selection.name);
    return (
      <div class="details" data-details={selection.name}>
        <h3>topic {selection.name}{info?.internal === true ? ' (internal)' : ''}</h3>
        <table>
          <tbody>
            <tr><th>records consumed</th><td>{count(t?.recordsIn ?? 0)}</td></tr>
            <tr><th>records produced</th><td>{count(t?.recordsOut ?? 0)}</td></tr>
            <tr><th>lag (assigned partitions)</th><td>{t?.lag === null || t === undefined ? '–' : count(t.lag)}</td></tr>
            <tr><th>read by / written by</th><td>{[...(info?.readBy ?? []), ...(info?.writtenBy ?? [])].join(', ')}</td></tr>
          </tbody>
        </table>
      </div>
    );
  }
  if (selection.kind === 'store') {
    const rows = update.stores.stores.filter((s) => s.store === selection.name);
    return (
      <div class="details" data-details={selection.name}>
        <h3>store {selection.name}</h3>
        <table>
          <thead><tr><th>task</th><th>entries (est.)</th><th>size (est.)</th></tr></thead>
          <tbody>
            {rows.map((r) => (<tr key={r.taskId}><td>{r.taskId}</td><td>{count(r.entries)}</td><td>{bytes(r.bytes)}</td></tr>))}
          </tbody>
        </table>
      </div>
    );
  }
  const node = topology.nodes.find((n) => n.name === selection.name);
  const byTask = update.metrics.processors[selection.name] ?? {};
  const names = [...new Set(Object.values(byTask).flatMap((m) => Object.keys(m)))].sort();
  return (
    <div class="details" data-details={selection.name}>
      <h3>{node?.kind ?? 'node'} {selection.name}</h3>
      {node !== undefined && node.topics.length > 0 && (
        <p>
          topics: {node.topics.map((t) => `${t} (${count(update.metrics.topics[t]?.[node.kind === 'source' ? 'recordsIn' : 'recordsOut'] ?? 0)} records)`).join(', ')}
        </p>
      )}
      {names.length === 0 ? (
        <p class="hint">This node reports no metrics of its own.</p>
      ) : (
        <table>
          <thead><tr><th>metric</th>{Object.keys(byTask).map((task) => <th key={task}>task {task}</th>)}</tr></thead>
          <tbody>
            {names.map((name) => (
              <tr key={name}><th>{name}</th>{Object.values(byTask).map((m, i) => <td key={i}>{count(m[name])}</td>)}</tr>
            ))}
          </tbody>
        </table>
      )}
    </div>
  );
}
