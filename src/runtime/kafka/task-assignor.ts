import type { PartitionAssigner } from 'kafkajs';
import { AssignerProtocol } from './kafkajs.js';
import type { Topology } from '../../topology/topology.js';
import { physicalTopicName } from '../../topology/topic-ref.js';
import { placeStandbys, placeTasks, taskKey, type TaskSlot } from '../task-assignment.js';

export const TASK_ASSIGNOR_NAME = 'cdc-streams-tasks';

/** What members tell the leader (JSON in member metadata userData). */
interface MemberInfo {
  readonly endpoint?: string;
  readonly tasks?: readonly string[];
  /**
   * Tasks whose state this member holds without running them (standbys, and state left in its state
   * directory): `taskKey` → the sum of its stores' next changelog offsets (Kafka Streams' task offset sums).
   */
  readonly taskOffsets?: Readonly<Record<string, number>>;
}

/** What each member learns from the assignment (JSON in assignment userData): who owns which task. */
export interface AssignmentInfo {
  /** `taskKey` → the owning member's endpoint; null when that member has none (no ops server). */
  readonly owners: Readonly<Record<string, string | null>>;
  /** Every member's endpoint, those without tasks too (absent from an older leader's assignment). */
  readonly endpoints?: readonly string[];
  /** The standby tasks of the member this assignment is for (docs/runtime.md, "Standby replicas"). */
  readonly standbys?: readonly string[];
}

export interface TaskAssignorOptions {
  readonly topology: Topology;
  readonly applicationId: string;
  /** This instance's /stores endpoint, shared with the group for interactive queries. */
  readonly endpoint: () => string | undefined;
  /** Tasks this instance runs now, for stickiness across rebalances. */
  readonly currentTasks: () => readonly string[];
  /** Standbys per stateful task (numStandbyReplicas); 0: none. */
  readonly numStandbyReplicas?: number;
  /** The state of tasks this instance holds without running them, with how far each has read its changelogs. */
  readonly taskOffsets?: () => Readonly<Record<string, number>>;
}

function parseJson<T>(data: Buffer | null | undefined): T | undefined {
  if (data === null || data === undefined || data.length === 0) return undefined;
  try {
    return JSON.parse(data.toString('utf8')) as T;
  } catch (error) {
    // A member of another version may send other userData; it only loses stickiness and endpoints.
    void error;
    return undefined;
  }
}

/**
 * A kafkajs partition assigner that places whole tasks (docs/design.md 3.7): all partitions of the same
 * index of one sub-topology's source topics go to one member, as Kafka Streams' assignor does.
 */
export function taskAssignor(options: TaskAssignorOptions): PartitionAssigner {
  return ({ cluster }) => ({
    name: TASK_ASSIGNOR_NAME,
    version: 1,
    async assign({ members }) {
      const slots: TaskSlot[] = [];
      for (const sub of options.topology.subTopologies) {
        const topics = sub.sourceTopics.map((t) => physicalTopicName(t, options.applicationId));
        const counts = topics.map((t) => cluster.findTopicPartitionMetadata(t).length);
        const tasks = Math.max(0, ...counts);
        for (let partition = 0; partition < tasks; partition++) {
          slots.push({ subTopology: sub.id, partition, topics: topics.filter((_, i) => counts[i]! > partition) });
        }
      }
      const infos = new Map(
        members.map((m) => {
          const metadata = AssignerProtocol.MemberMetadata.decode(m.memberMetadata);
          return [m.memberId, parseJson<MemberInfo>(metadata?.userData) ?? {}] as const;
        }),
      );
      const freshness = new Map([...infos].map(([id, info]) => [id, new Map(Object.entries(info.taskOffsets ?? {}))]));
      const placement = placeTasks(
        slots,
        members.map((m) => m.memberId),
        new Map([...infos].map(([id, info]) => [id, info.tasks ?? []])),
        freshness,
      );
      const stateful = slots.filter((slot) => hasChangelog(options.topology, slot.subTopology)).map((slot) => taskKey(slot.subTopology, slot.partition));
      const standbys = placeStandbys(stateful, members.map((m) => m.memberId), placement, options.numStandbyReplicas ?? 0, freshness);
      const owners: Record<string, string | null> = {};
      for (const [key, member] of placement) owners[key] = infos.get(member)?.endpoint ?? null;
      const endpoints = [...new Set([...infos.values()].flatMap((info) => (info.endpoint === undefined ? [] : [info.endpoint])))].sort();
      return members.map((member) => {
        const userData = Buffer.from(JSON.stringify({ owners, endpoints, standbys: standbys.get(member.memberId) ?? [] } satisfies AssignmentInfo), 'utf8');
        const assignment: Record<string, number[]> = {};
        for (const slot of slots) {
          if (placement.get(taskKey(slot.subTopology, slot.partition)) !== member.memberId) continue;
          for (const topic of slot.topics) (assignment[topic] ??= []).push(slot.partition);
        }
        return {
          memberId: member.memberId,
          memberAssignment: AssignerProtocol.MemberAssignment.encode({ version: 1, assignment, userData }),
        };
      });
    },
    protocol({ topics }) {
      const taskOffsets = options.taskOffsets?.() ?? {};
      const info: MemberInfo = {
        tasks: options.currentTasks(),
        ...(options.endpoint() === undefined ? {} : { endpoint: options.endpoint() }),
        ...(Object.keys(taskOffsets).length === 0 ? {} : { taskOffsets }),
      };
      return {
        name: TASK_ASSIGNOR_NAME,
        metadata: AssignerProtocol.MemberMetadata.encode({ version: 1, topics, userData: Buffer.from(JSON.stringify(info), 'utf8') }),
      };
    },
  });
}

export function decodeAssignmentInfo(userData: Buffer | null | undefined): AssignmentInfo | undefined {
  return parseJson<AssignmentInfo>(userData);
}

/** Whether a sub-topology has a changelogged store: only such tasks get standbys. */
function hasChangelog(topology: Topology, subTopology: number): boolean {
  const sub = topology.subTopologies.find((s) => s.id === subTopology);
  return (sub?.stores ?? []).some((store) => topology.stores.get(store)?.changelog === true);
}
