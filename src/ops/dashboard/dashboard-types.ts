/**
 * The JSON the dashboard's endpoints answer, one type per panel. Self-contained (no imports) on
 * purpose: the browser code imports these types too, and must not pull in Node's.
 */

export type TaskStateName = 'CREATED' | 'RESTORING' | 'RUNNING' | 'SUSPENDED' | 'CLOSED';

export interface OverviewPanel {
  readonly applicationId: string;
  readonly instanceId: string;
  readonly endpoint: string | null;
  readonly state: string;
  readonly ready: boolean;
  readonly startedAt: number;
  /** When this answer was built, ms since the Unix epoch (the server's clock). */
  readonly now: number;
  readonly recordsIn: number;
  readonly recordsOut: number;
  readonly deadLetters: number;
  readonly lateEvents: number;
  readonly commits: number;
  readonly totalLag: number;
}

export interface GraphNode {
  readonly name: string;
  readonly kind: 'source' | 'processor' | 'sink';
  readonly subTopology: number;
  readonly topics: readonly string[];
  readonly stores: readonly string[];
  readonly parents: readonly string[];
  readonly children: readonly string[];
}

export interface TopologyPanel {
  readonly subTopologies: ReadonlyArray<{ readonly id: number; readonly nodes: readonly string[] }>;
  readonly nodes: readonly GraphNode[];
  readonly topics: ReadonlyArray<{
    /** Physical name. */
    readonly name: string;
    /** As `describe` prints it (internal topics without the application id). */
    readonly logicalName: string;
    readonly internal: boolean;
    readonly readBy: readonly string[];
    readonly writtenBy: readonly string[];
  }>;
  readonly stores: ReadonlyArray<{ readonly name: string; readonly changelog: boolean; readonly processors: readonly string[] }>;
}

/** What a click on a node of the picture shows: live numbers by node, topic and store. */
export interface NodeMetricsPanel {
  /** Processor metrics by node name, then by task id. */
  readonly processors: Readonly<Record<string, Readonly<Record<string, Readonly<Record<string, number>>>>>>;
  readonly topics: Readonly<Record<string, { readonly recordsIn: number; readonly recordsOut: number; readonly lag: number | null }>>;
}

export interface TaskRow {
  readonly taskId: string;
  readonly subTopology: number;
  readonly partition: number;
  /** Input topics of the task's sub-topology (one partition each: `partition`). */
  readonly topics: readonly string[];
  readonly state: TaskStateName;
  readonly owner: string;
  readonly thread: string;
  readonly recordsProcessed: number | null;
  /** Changelog records restored / to restore, summed over the task's stores; null when nothing was restored. */
  readonly restored: number | null;
  readonly restoreTotal: number | null;
  readonly since: number | null;
}

export interface TasksPanel {
  readonly tasks: readonly TaskRow[];
}

export interface LagPanel {
  readonly total: number;
  readonly partitions: ReadonlyArray<{ readonly topic: string; readonly partition: number; readonly lag: number }>;
}

export interface ShardRow {
  readonly serverId: string;
  /** The resequencer node reporting it. */
  readonly node: string;
  /** Lowest over the tasks that track the shard. */
  readonly watermarkGtid: number | null;
  readonly watermarkTime: number | null;
  /** Summed over tasks. */
  readonly held: number;
  /** Largest over tasks, ms. */
  readonly oldestHeldMs: number;
  /** Slowest input partition behind the fastest, event-time ms, largest over tasks. */
  readonly watermarkLagMs: number | null;
}

export interface ShardsPanel {
  readonly shards: readonly ShardRow[];
  /** The shard whose oldest held event has waited longest, if any holds events. */
  readonly slowest: string | null;
}

export interface DeadLetterRow {
  readonly at: number;
  readonly taskId: string;
  readonly deadLetterTopic: string;
  readonly sourceTopic: string | null;
  readonly sourcePartition: number | null;
  readonly sourceOffset: string | null;
  readonly errorClass: string | null;
  readonly errorMessage: string | null;
}

export interface DeadLettersPanel {
  readonly total: number;
  /** Newest first. */
  readonly recent: readonly DeadLetterRow[];
}

export interface NoteRow {
  readonly at: number;
  readonly taskId: string;
  readonly node: string;
  readonly kind: string;
  readonly message: string;
}

export interface LatePanel {
  /** Events released flagged late (resequencer `eventsReleasedLate`, summed). */
  readonly total: number;
  readonly stalledShards: number;
  /** Newest first: why events went out late, why shards stalled. */
  readonly recent: readonly NoteRow[];
}

export interface HistoryPanel {
  /** Newest first. */
  readonly rebalances: ReadonlyArray<{
    readonly at: number;
    readonly kind: 'started' | 'assigned';
    readonly tasks: readonly string[];
    readonly added: readonly string[];
    readonly removed: readonly string[];
    readonly durationMs: number | null;
  }>;
  /** Newest first. */
  readonly transitions: ReadonlyArray<{ readonly at: number; readonly taskId: string; readonly from: TaskStateName; readonly to: TaskStateName }>;
}

export interface StoresPanel {
  readonly available: boolean;
  readonly stores: ReadonlyArray<{ readonly taskId: string; readonly store: string; readonly entries: number; readonly bytes: number }>;
}

export interface ThroughputPoint {
  readonly at: number;
  /** Input records per second since the previous point. */
  readonly inPerSecond: number;
  /** Records per second written to output topics (not internal ones) since the previous point. */
  readonly outPerSecond: number;
  /** Mean commit duration since the previous point, ms; null when no commit happened. */
  readonly commitMs: number | null;
  /** Longest wait of a held event (resequencer), ms. */
  readonly oldestHeldMs: number;
}

export interface ThroughputPanel {
  /** Oldest first, at most one a second, taken only while someone reads the dashboard. */
  readonly points: readonly ThroughputPoint[];
}

/** Everything but the topology (which does not change): what each live update carries. */
export interface DashboardUpdate {
  readonly overview: OverviewPanel;
  readonly metrics: NodeMetricsPanel;
  readonly tasks: TasksPanel;
  readonly lag: LagPanel;
  readonly shards: ShardsPanel;
  readonly deadLetters: DeadLettersPanel;
  readonly late: LatePanel;
  readonly history: HistoryPanel;
  readonly stores: StoresPanel;
  readonly throughput: ThroughputPanel;
}
