import { AssignerProtocol, type ConsumerGroupState, type GroupDescription } from 'kafkajs';
import { describe, expect, it, vi } from 'vitest';
import { silentLogger } from '../../../src/common/logger.js';
import type { AssignmentInfo } from '../../../src/runtime/kafka/task-assignor.js';
import { assignmentInfoOf, TaskOwnersReader } from '../../../src/runtime/kafka/task-owners-reader.js';

function assignmentBytes(info: AssignmentInfo | string): Buffer {
  const userData = Buffer.from(typeof info === 'string' ? info : JSON.stringify(info), 'utf8');
  return AssignerProtocol.MemberAssignment.encode({ version: 1, assignment: { in: [0] }, userData });
}

function group(state: ConsumerGroupState, members: Record<string, AssignmentInfo | string>): GroupDescription {
  return {
    groupId: 'app',
    state,
    protocol: 'cdc-streams-tasks',
    protocolType: 'consumer',
    members: Object.entries(members).map(([memberId, info]) => ({ memberId, clientId: 'c', clientHost: '/127.0.0.1', memberMetadata: Buffer.alloc(0), memberAssignment: assignmentBytes(info) })),
  };
}

const first: AssignmentInfo = { owners: { '0_0': 'host-a:8080', '0_1': 'host-b:8080' }, endpoints: ['host-a:8080', 'host-b:8080'] };
const second: AssignmentInfo = { owners: { '0_0': 'host-a:8080', '0_1': 'host-a:8080' }, endpoints: ['host-a:8080'] };

describe('assignmentInfoOf', () => {
  it("reads this member's assignment userData from a stable group's description", () => {
    expect(assignmentInfoOf(group('Stable', { m1: first, m2: second }), 'm2')).toEqual(second);
  });

  it('reads nothing while the group is rebalancing, for a member not in it, or from userData that is not its JSON', () => {
    expect(assignmentInfoOf(group('CompletingRebalance', { m1: first }), 'm1')).toBeUndefined();
    expect(assignmentInfoOf(group('Stable', { m1: first }), 'm9')).toBeUndefined();
    expect(assignmentInfoOf(group('Stable', { m1: 'not json' }), 'm1')).toBeUndefined();
  });
});

describe('TaskOwnersReader', () => {
  /** A reader over descriptions handed out in turn (the last one repeated), retrying at once. */
  function readerOver(...descriptions: Array<GroupDescription | Error>) {
    let calls = 0;
    const reader = new TaskOwnersReader(
      () => {
        const next = descriptions[Math.min(calls, descriptions.length - 1)]!;
        calls += 1;
        return next instanceof Error ? Promise.reject(next) : Promise.resolve(next);
      },
      silentLogger,
      1,
    );
    return { reader, calls: () => calls };
  }
  /** Long enough for several retries (1 ms apart) to have happened. */
  const settle = () => new Promise((resolve) => setTimeout(resolve, 30));

  it('reads again while the group settles or the read fails, then keeps what it read', async () => {
    const { reader, calls } = readerOver(new Error('coordinator moved'), group('CompletingRebalance', { m1: first }), group('Stable', { m1: first }));
    expect(reader.current).toBeUndefined();
    reader.joined('m1');
    await vi.waitFor(() => expect(reader.current).toEqual(first));
    expect(calls()).toBe(3);
    reader.close();
  });

  it('keeps the last owners until the next join has been read', async () => {
    let description = group('Stable', { m1: first });
    const reader = new TaskOwnersReader(() => Promise.resolve(description), silentLogger, 1);
    reader.joined('m1');
    await vi.waitFor(() => expect(reader.current).toEqual(first));
    description = group('PreparingRebalance', { m1: second });
    reader.joined('m1');
    await settle();
    expect(reader.current).toEqual(first);
    description = group('Stable', { m1: second });
    await vi.waitFor(() => expect(reader.current).toEqual(second));
    reader.close();
  });

  it('stops reading once closed', async () => {
    const { reader, calls } = readerOver(group('PreparingRebalance', { m1: first }));
    reader.joined('m1');
    await settle();
    reader.close();
    const after = calls();
    await settle();
    expect(calls()).toBe(after);
    expect(reader.current).toBeUndefined();
  });
});
