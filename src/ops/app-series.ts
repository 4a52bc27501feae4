import type { AppSnapshot, AppState } from '../runtime/app-snapshot.js';
import type { TaskState } from '../runtime/task/task-state.js';
import { single, type Sample, type SeriesDefinition } from './metric-series.js';

// Records keyed by every state, so adding a state to the union fails to compile here until listed.
const APP_STATES = Object.keys({
  CREATED: true, STARTING: true, REBALANCING: true, RUNNING: true, PENDING_SHUTDOWN: true, NOT_RUNNING: true, ERROR: true,
} satisfies Record<AppState, true>) as AppState[];
const TASK_STATES = Object.keys({
  CREATED: true, RESTORING: true, RUNNING: true, SUSPENDED: true, CLOSED: true,
} satisfies Record<TaskState, true>) as TaskState[];

const MS_PER_SECOND = 1000;

/** The application-level series: lifecycle, throughput, commits, lag, restore. */
export const APP_SERIES: readonly SeriesDefinition[] = [
  {
    name: 'app_info',
    help: 'Always 1; labels identify the application and this instance.',
    type: 'gauge',
    labelNames: ['application_id', 'instance_id'],
    read: (s) => [{ labels: { application_id: s.applicationId, instance_id: s.instanceId }, value: 1 }],
  },
  {
    name: 'app_state',
    help: 'Lifecycle state of the application: 1 for the current state, 0 for the others.',
    type: 'gauge',
    labelNames: ['state'],
    read: (s) => APP_STATES.map((state) => ({ labels: { state }, value: state === s.state ? 1 : 0 })),
  },
  {
    name: 'app_ready',
    help: '1 once every assigned task has restored and runs, else 0.',
    type: 'gauge',
    labelNames: [],
    read: (s) => single(s.ready ? 1 : 0),
  },
  {
    name: 'app_start_time_seconds',
    help: 'When the application started, in seconds since the Unix epoch.',
    type: 'gauge',
    labelNames: [],
    read: (s) => single(s.startedAt / MS_PER_SECOND),
  },
  {
    name: 'tasks',
    help: 'Tasks assigned to this instance, by task state.',
    type: 'gauge',
    labelNames: ['state'],
    read: (s) => TASK_STATES.map((state) => ({ labels: { state }, value: s.tasks.filter((t) => t.state === state).length })),
  },
  {
    name: 'records_processed_total',
    help: 'Records processed by each task on this instance since the task was created here.',
    type: 'counter',
    labelNames: ['task'],
    read: (s) => s.tasks.map((t) => ({ labels: { task: t.taskId }, value: t.recordsProcessed })),
  },
  {
    name: 'records_in_total',
    help: 'Records consumed, by input topic.',
    type: 'counter',
    labelNames: ['topic'],
    read: (s) => perTopic(s.recordsIn),
  },
  {
    name: 'records_out_total',
    help: 'Records produced, by output topic (sinks, changelogs, repartition and dead-letter topics).',
    type: 'counter',
    labelNames: ['topic'],
    read: (s) => perTopic(s.recordsOut),
  },
  {
    name: 'dead_letters_total',
    help: 'Records sent to a dead-letter topic.',
    type: 'counter',
    labelNames: [],
    read: (s) => single(s.deadLetters),
  },
  {
    name: 'commits_total',
    help: 'Commits completed.',
    type: 'counter',
    labelNames: [],
    read: (s) => single(s.commits.count),
  },
  {
    name: 'commit_duration_seconds_total',
    help: 'Time spent committing, summed over all commits; divide its rate by the rate of commits_total for the mean.',
    type: 'counter',
    labelNames: [],
    read: (s) => single(s.commits.totalMs / MS_PER_SECOND),
  },
  {
    name: 'commit_last_duration_seconds',
    help: 'Duration of the latest commit.',
    type: 'gauge',
    labelNames: [],
    read: (s) => single(s.commits.lastMs / MS_PER_SECOND),
  },
  {
    name: 'commit_max_duration_seconds',
    help: 'Longest commit since the application started.',
    type: 'gauge',
    labelNames: [],
    read: (s) => single(s.commits.maxMs / MS_PER_SECOND),
  },
  {
    name: 'consumer_lag',
    help: 'Records between the committed or consumed position and the end of each assigned input partition.',
    type: 'gauge',
    labelNames: ['topic', 'partition'],
    read: (s) => s.lag.map((l) => ({ labels: { topic: l.topic, partition: l.partition }, value: l.lag })),
  },
  {
    name: 'restore_restored_records',
    help: 'Changelog records restored so far into each store of each task.',
    type: 'gauge',
    labelNames: ['task', 'store'],
    read: (s) => s.restore.map((r) => ({ labels: { task: r.taskId, store: r.store }, value: r.restored })),
  },
  {
    name: 'restore_target_records',
    help: 'Changelog records to restore into each store of each task.',
    type: 'gauge',
    labelNames: ['task', 'store'],
    read: (s) => s.restore.map((r) => ({ labels: { task: r.taskId, store: r.store }, value: r.total })),
  },
  {
    name: 'restore_done',
    help: '1 once the store of the task has restored, else 0.',
    type: 'gauge',
    labelNames: ['task', 'store'],
    read: (s) => s.restore.map((r) => ({ labels: { task: r.taskId, store: r.store }, value: r.done ? 1 : 0 })),
  },
  {
    name: 'standby_changelog_offset',
    help: 'Next changelog offset each store of each standby task has applied (numStandbyReplicas).',
    type: 'gauge',
    labelNames: ['task', 'store'],
    read: (s) => (s.standbys ?? []).map((r) => ({ labels: { task: r.taskId, store: r.store }, value: r.offset })),
  },
  {
    name: 'processor_metric',
    help: 'Each number a processor reports (CDC: pieces pending, groups abandoned, open transactions, events held, duplicates dropped, watermark lag, stalls, ...), by task, node and metric name.',
    type: 'gauge',
    labelNames: ['task', 'node', 'name'],
    read: processorSamples,
  },
];

function perTopic(counts: Readonly<Record<string, number>>): Sample[] {
  return Object.entries(counts).map(([topic, value]) => ({ labels: { topic }, value }));
}

function* processorSamples(s: AppSnapshot): Iterable<Sample> {
  for (const task of s.tasks) {
    for (const [node, metrics] of Object.entries(task.processors)) {
      for (const [name, value] of Object.entries(metrics)) yield { labels: { task: task.taskId, node, name }, value };
    }
  }
}
