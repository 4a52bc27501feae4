import type { Consumer } from 'kafkajs';
import { AssignerProtocol } from './kafkajs.js';
import { decodeAssignmentInfo, type AssignmentInfo } from './task-assignor.js';

/**
 * This member's assignment userData (the assignor's AssignmentInfo). kafkajs decodes the assignment it
 * receives but hands the application only its topic-partitions, so the group is described once after
 * each join and this member's assignment read from there. Undefined when the group has begun another
 * rebalance meanwhile (its assignments are then empty): the next join brings the new one.
 */
export async function readOwnAssignmentInfo(consumer: Consumer, memberId: string): Promise<AssignmentInfo | undefined> {
  const group = await consumer.describeGroup();
  const member = group.members.find((m) => m.memberId === memberId);
  if (member === undefined || member.memberAssignment.length === 0) return undefined;
  return decodeAssignmentInfo(AssignerProtocol.MemberAssignment.decode(member.memberAssignment)?.userData);
}
