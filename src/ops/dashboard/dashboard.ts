import type { ServerResponse } from 'node:http';
import type { Logger } from '../../common/logger.js';
import type { AppSnapshot, OperableApp, StoreSize } from '../../runtime/app-snapshot.js';
import type { TopologyGraph } from '../../topology/topology-graph.js';
import { jsonReply, type OpsReply } from '../ops-reply.js';
import { assetReply, DEFAULT_ASSETS_DIR } from './dashboard-assets.js';
import { DashboardEvents } from './dashboard-events.js';
import type { DashboardUpdate, TopologyPanel } from './dashboard-types.js';
import {
  deadLettersPanel,
  historyPanel,
  lagPanel,
  latePanel,
  nodeMetricsPanel,
  overviewPanel,
  shardsPanel,
  storesPanel,
  tasksPanel,
} from './dashboard-view.js';
import { ThroughputSamples } from './throughput-samples.js';

export interface DashboardOptions {
  /** The built page; default the package's `dist/dashboard/`. */
  readonly assetsDir?: string;
  /** How often live updates go out; default 1000 ms. */
  readonly updateIntervalMs?: number;
  readonly clock?: () => number;
}

export const DASHBOARD_EVENTS_PATH = '/api/events';
const API_PREFIX = '/api/';
const ASSETS_PREFIX = '/assets/';
const EMPTY_GRAPH: TopologyPanel = { subTopologies: [], nodes: [], topics: [], stores: [] };

type PanelName = keyof DashboardUpdate | 'topology' | 'dashboard';
export const DASHBOARD_PANELS: readonly PanelName[] = [
  'dashboard', 'topology', 'overview', 'metrics', 'tasks', 'lag', 'shards', 'deadLetters', 'late', 'history', 'stores', 'throughput',
];
const PANEL_PATHS: Readonly<Record<string, PanelName>> = Object.fromEntries(DASHBOARD_PANELS.map((p) => [kebab(p), p]));

/**
 * The web dashboard of one instance: the page at `/` (built files from `dist/dashboard/`), a JSON
 * endpoint per panel under `/api/`, and live updates at `/api/events`. Everything is built from one
 * snapshot when asked; nothing runs while nobody looks (docs/operations.md).
 */
export class Dashboard {
  readonly endpoints = ['/', ...DASHBOARD_PANELS.map((p) => `${API_PREFIX}${kebab(p)}`), DASHBOARD_EVENTS_PATH];
  private readonly events: DashboardEvents;
  private readonly samples: ThroughputSamples;
  private readonly assetsDir: string;
  private readonly clock: () => number;
  private graph: TopologyGraph | undefined;

  constructor(
    private readonly app: OperableApp,
    logger: Logger,
    options: DashboardOptions = {},
  ) {
    this.assetsDir = options.assetsDir ?? DEFAULT_ASSETS_DIR;
    this.clock = options.clock ?? Date.now;
    this.graph = app.topologyGraph?.();
    const outputs = new Set((this.graph?.topics ?? []).filter((t) => !t.internal && t.writtenBy.length > 0).map((t) => t.name));
    // Without a graph, every topic counts as output; with one, only the sinks' external topics.
    this.samples = new ThroughputSamples((topic) => this.graph === undefined || outputs.has(topic));
    this.events = new DashboardEvents(() => this.update(), options.updateIntervalMs ?? 1000, logger);
  }

  /** The reply for a dashboard path, or undefined when the path is not the dashboard's. */
  async reply(path: string): Promise<OpsReply | undefined> {
    if (path === '/' || path === '/index.html') return assetReply(this.assetsDir, 'index.html');
    if (path.startsWith(ASSETS_PREFIX)) return assetReply(this.assetsDir, path.slice(ASSETS_PREFIX.length));
    if (!path.startsWith(API_PREFIX)) return undefined;
    const panel = PANEL_PATHS[path.slice(API_PREFIX.length)];
    if (panel === undefined) return undefined;
    if (panel === 'topology') return jsonReply(200, this.graph ?? EMPTY_GRAPH);
    const update = await this.update();
    return jsonReply(200, panel === 'dashboard' ? { topology: this.graph ?? EMPTY_GRAPH, ...update } : update[panel]);
  }

  /** Streams live updates to this response (`GET /api/events`). */
  attachEvents(response: ServerResponse): void {
    this.events.attach(response);
  }

  close(): void {
    this.events.close();
  }

  /** Every panel but the topology, from one snapshot. */
  async update(): Promise<DashboardUpdate> {
    const snapshot: AppSnapshot = this.app.snapshot();
    const now = this.clock();
    this.samples.observe(snapshot, now);
    const sizes: readonly StoreSize[] | undefined = await this.app.storeSizes?.();
    return {
      overview: overviewPanel(snapshot, now),
      metrics: nodeMetricsPanel(snapshot),
      tasks: tasksPanel(snapshot, this.graph),
      lag: lagPanel(snapshot),
      shards: shardsPanel(snapshot),
      deadLetters: deadLettersPanel(snapshot),
      late: latePanel(snapshot),
      history: historyPanel(snapshot),
      stores: storesPanel(sizes),
      throughput: this.samples.panel(),
    };
  }
}

function kebab(name: string): string {
  return name.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`);
}
