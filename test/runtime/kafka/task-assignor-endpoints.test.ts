import { AssignerProtocol, type Cluster, type GroupMember, type GroupMemberAssignment } from 'kafkajs';
import { describe, expect, it } from 'vitest';
import { silentLogger } from '../../../src/common/logger.js';
import { StreamsBuilder } from '../../../src/dsl/streams-builder.js';
import { decodeAssignmentInfo, taskAssignor, type AssignmentInfo } from '../../../src/runtime/kafka/task-assignor.js';
import { stringSerde } from '../../../src/serde/string-serde.js';
import type { Topology } from '../../../src/topology/topology.js';

/** One sub-topology reading `in` (4 partitions) and counting by key. */
function countTopology(): Topology {
  const b = new StreamsBuilder();
  b.stream<string, string>('in', { keySerde: stringSerde, valueSerde: stringSerde }).groupByKey().count({ storeName: 'counts' });
  return b.build();
}

const cluster = { findTopicPartitionMetadata: (topic: string) => (topic === 'in' ? [0, 1, 2, 3].map((partitionId) => ({ partitionId })) : []) } as unknown as Cluster;

/** A member's subscription as its own assignor encodes it. */
function member(memberId: string, endpoint: string | undefined, tasks: readonly string[] = []): GroupMember {
  const assigner = taskAssignor({ topology: countTopology(), applicationId: 'app', endpoint: () => endpoint, currentTasks: () => tasks })({ cluster, groupId: 'app', logger: silentLogger as never });
  return { memberId, memberMetadata: assigner.protocol({ topics: ['in'] }).metadata };
}

async function assign(members: GroupMember[]): Promise<Map<string, { partitions: number[]; info: AssignmentInfo | undefined }>> {
  const leader = taskAssignor({ topology: countTopology(), applicationId: 'app', endpoint: () => undefined, currentTasks: () => [] })({ cluster, groupId: 'app', logger: silentLogger as never });
  const result: GroupMemberAssignment[] = await leader.assign({ members, topics: ['in'] });
  return new Map(
    result.map((r) => {
      const decoded = AssignerProtocol.MemberAssignment.decode(r.memberAssignment);
      return [r.memberId, { partitions: decoded?.assignment['in'] ?? [], info: decodeAssignmentInfo(decoded?.userData) }];
    }),
  );
}

describe('taskAssignor: endpoints for interactive queries', () => {
  it("puts the member's endpoint and current tasks in its subscription userData", () => {
    const metadata = AssignerProtocol.MemberMetadata.decode(member('m1', 'host-a:8080', ['0_1']).memberMetadata);
    expect(JSON.parse(metadata!.userData.toString('utf8'))).toEqual({ tasks: ['0_1'], endpoint: 'host-a:8080' });
  });

  it('tells every member, in its assignment userData, the endpoint that owns each task and every member endpoint', async () => {
    const assignments = await assign([member('m1', 'host-a:8080'), member('m2', 'host-b:8080'), member('m3', 'host-c:8080')]);
    const infos = [...assignments.values()].map((a) => a.info);
    for (const info of infos.slice(1)) expect([info?.owners, info?.endpoints]).toEqual([infos[0]?.owners, infos[0]?.endpoints]);
    const endpointOf = new Map([['m1', 'host-a:8080'], ['m2', 'host-b:8080'], ['m3', 'host-c:8080']]);
    const owners: Record<string, string> = {};
    for (const [memberId, { partitions }] of assignments) for (const p of partitions) owners[`0_${p}`] = endpointOf.get(memberId)!;
    expect(infos[0]?.owners).toEqual(owners);
    expect(infos[0]?.endpoints).toEqual(['host-a:8080', 'host-b:8080', 'host-c:8080']);
    expect(Object.keys(owners).sort()).toEqual(['0_0', '0_1', '0_2', '0_3']);
  });

  it('names no endpoint (null) for the tasks of a member without one, and lists only the endpoints there are', async () => {
    const assignments = await assign([member('m1', 'host-a:8080', ['0_0', '0_1']), member('m2', undefined, ['0_2', '0_3'])]);
    expect(assignments.get('m1')!.info).toMatchObject({ owners: { '0_0': 'host-a:8080', '0_1': 'host-a:8080', '0_2': null, '0_3': null }, endpoints: ['host-a:8080'] });
  });

  it('reads no assignment info from userData that is empty or not its JSON', () => {
    expect(decodeAssignmentInfo(undefined)).toBeUndefined();
    expect(decodeAssignmentInfo(Buffer.alloc(0))).toBeUndefined();
    expect(decodeAssignmentInfo(Buffer.from([0x00, 0x01, 0x7b]))).toBeUndefined();
  });
});
