import { CHANGELOG_TOPIC_SUFFIX, DEAD_LETTER_TOPIC_SUFFIX } from '../common/constants.js';
import { ConfigError } from '../common/errors.js';
import { physicalTopicName } from '../topology/topic-ref.js';
import type { Topology } from '../topology/topology.js';

export interface PlannedTopic {
  readonly topic: string;
  readonly partitions: number;
  readonly compacted: boolean;
}

export interface TopicPlan {
  /** Topics to create. */
  readonly create: readonly PlannedTopic[];
  /** Existing topics to grow (a changelog whose sub-topology gained partitions). */
  readonly grow: ReadonlyArray<{ readonly topic: string; readonly partitions: number }>;
  /** Tasks per sub-topology: the most partitions of any of its source topics. */
  readonly taskCounts: ReadonlyMap<number, number>;
  /** Partition count of every topic the application reads or writes, once the plan is applied. */
  readonly partitions: ReadonlyMap<string, number>;
}

/**
 * Works out the topics an application needs, given what exists: a repartition topic gets its fixed
 * partition count if it has one (an existing one with another count is an error), else the task
 * count of the sub-topology writing it (an existing one is kept as it is: keys are re-hashed, so any
 * count works, and a CDC input may grow); a changelog gets its sub-topology's task count (grown if the
 * input grew, an error if it has more); output topics that do not exist get the writer's task count;
 * source topics must exist.
 */
export function planTopics(topology: Topology, applicationId: string, existing: ReadonlyMap<string, number>): TopicPlan {
  const partitions = new Map(existing);
  const create: PlannedTopic[] = [];
  const grow: Array<{ topic: string; partitions: number }> = [];
  const taskCounts = new Map<number, number>();
  const pending = [...topology.subTopologies];

  for (let progressed = true; pending.length > 0 && progressed; ) {
    progressed = false;
    for (let i = 0; i < pending.length; i++) {
      const sub = pending[i]!;
      const counts = sub.sourceTopics.map((t) => partitions.get(physicalTopicName(t, applicationId)));
      if (counts.some((c) => c === undefined)) continue;
      const tasks = Math.max(...(counts as number[]));
      taskCounts.set(sub.id, tasks);
      for (const sink of sub.sinks) {
        const topic = physicalTopicName(sink.topic, applicationId);
        const fixed = sink.topic.partitions;
        const existing = partitions.get(topic);
        if (existing === undefined) {
          partitions.set(topic, fixed ?? tasks);
          create.push({ topic, partitions: fixed ?? tasks, compacted: false });
        } else if (fixed !== undefined && existing !== fixed) {
          throw new ConfigError(
            `internal topic '${topic}' has ${existing} partitions but must have ${fixed}: reset the application (cdc-streams reset) before running it`,
          );
        }
      }
      pending.splice(i, 1);
      i--;
      progressed = true;
    }
  }
  for (const sub of pending) {
    const missing = sub.sourceTopics.map((t) => physicalTopicName(t, applicationId)).filter((t) => !partitions.has(t));
    throw new ConfigError(`sub-topology ${sub.id} reads ${missing.map((t) => `'${t}'`).join(', ')}, which does not exist: create it first`);
  }

  for (const sub of topology.subTopologies) {
    const tasks = taskCounts.get(sub.id)!;
    for (const store of sub.stores) {
      if (!topology.stores.get(store)?.changelog) continue;
      const topic = `${applicationId}-${store}${CHANGELOG_TOPIC_SUFFIX}`;
      const count = partitions.get(topic);
      if (count === undefined) {
        create.push({ topic, partitions: tasks, compacted: true });
      } else if (count < tasks) {
        grow.push({ topic, partitions: tasks });
      } else if (count > tasks) {
        throw new ConfigError(
          `changelog topic '${topic}' has ${count} partitions but sub-topology ${sub.id} has ${tasks} tasks: reset the application (cdc-streams reset) before running it`,
        );
      }
      partitions.set(topic, tasks);
    }
  }

  const dlq = `${applicationId}${DEAD_LETTER_TOPIC_SUFFIX}`;
  if (!partitions.has(dlq)) {
    const count = Math.max(1, ...taskCounts.values());
    partitions.set(dlq, count);
    create.push({ topic: dlq, partitions: count, compacted: false });
  }
  return { create, grow, taskCounts, partitions };
}
