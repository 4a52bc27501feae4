import { AssignerProtocol, type Cluster, type GroupMember, type GroupMemberAssignment } from 'kafkajs';
import { describe, expect, it } from 'vitest';
import { StreamsBuilder } from '../../../src/dsl/streams-builder.js';
import { decodeAssignmentInfo, taskAssignor } from '../../../src/runtime/kafka/task-assignor.js';
import { stringSerde } from '../../../src/serde/string-serde.js';

/** Two sub-topologies: 0 counts per key (a changelogged store), 1 only maps (stateless). */
function topology() {
  const b = new StreamsBuilder();
  b.stream<string, string>('counted', { keySerde: stringSerde, valueSerde: stringSerde }).groupByKey().count({ storeName: 'counts' });
  b.stream<string, string>('mapped', { keySerde: stringSerde, valueSerde: stringSerde }).mapValues((v) => v.toUpperCase()).to('out', { keySerde: stringSerde, valueSerde: stringSerde });
  return b.build();
}

const cluster = { findTopicPartitionMetadata: () => [{ partitionId: 0 }, { partitionId: 1 }] } as unknown as Cluster;

function member(memberId: string, info: object): GroupMember {
  return {
    memberId,
    memberMetadata: AssignerProtocol.MemberMetadata.encode({ version: 1, topics: ['counted', 'mapped'], userData: Buffer.from(JSON.stringify(info)) }),
  };
}

async function assign(members: GroupMember[], numStandbyReplicas: number): Promise<Map<string, { tasks: Record<string, number[]>; standbys: readonly string[] }>> {
  const assigner = taskAssignor({ topology: topology(), applicationId: 'app', endpoint: () => undefined, currentTasks: () => [], numStandbyReplicas })({ cluster, groupId: 'app', logger: undefined as never });
  const result: GroupMemberAssignment[] = await assigner.assign({ members, topics: ['counted', 'mapped'] });
  return new Map(
    result.map((r) => {
      const decoded = AssignerProtocol.MemberAssignment.decode(r.memberAssignment);
      return [r.memberId, { tasks: decoded?.assignment ?? {}, standbys: decodeAssignmentInfo(decoded?.userData)?.standbys ?? [] }] as const;
    }),
  );
}

describe('taskAssignor with standby replicas', () => {
  it('tells each member its standbys: stateful tasks only, each on the member not running it', async () => {
    const assigned = await assign([member('a', {}), member('b', {})], 1);
    const a = assigned.get('a')!;
    const b = assigned.get('b')!;
    // Sub-topology 0 (counts) has tasks 0_0 and 0_1; sub-topology 1 is stateless and gets no standbys.
    expect([...a.standbys, ...b.standbys].sort()).toEqual(['0_0', '0_1']);
    for (const key of a.standbys) expect(a.tasks['counted'] ?? []).not.toContain(Number(key.split('_')[1]));
    for (const key of b.standbys) expect(b.tasks['counted'] ?? []).not.toContain(Number(key.split('_')[1]));
  });

  it('gives a task without an owner to the member reporting the freshest standby of it', async () => {
    // Round-robin alone would give 0_0 to a and 0_1 to b; a holds the fresher copy of 0_1.
    const assigned = await assign([member('a', { taskOffsets: { '0_1': 1234 } }), member('b', { taskOffsets: { '0_1': 12 } })], 1);
    expect(assigned.get('a')!.tasks['counted']).toEqual([1]);
    expect(assigned.get('b')!.tasks['counted']).toEqual([0]);
    // b keeps its copy of 0_1 as the standby.
    expect(assigned.get('b')!.standbys).toContain('0_1');
  });

  it('places no standbys by default', async () => {
    const assigned = await assign([member('a', {}), member('b', {})], 0);
    expect([...assigned.values()].flatMap((m) => m.standbys)).toEqual([]);
  });
});
