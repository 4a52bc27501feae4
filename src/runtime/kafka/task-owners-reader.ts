import type { GroupDescription } from 'kafkajs';
import { AssignerProtocol } from './kafkajs.js';
import type { Logger } from '../../common/logger.js';
import { decodeAssignmentInfo, type AssignmentInfo } from './task-assignor.js';

/** How often a read is tried again while the group is still settling, and how many times at most. */
const RETRY_MS = 1000;
const MAX_ATTEMPTS = 30;

/**
 * This member's assignment info (who owns which task, task-assignor.ts) as the group coordinator
 * describes the group: undefined while the group is not `Stable` (its assignments are then not
 * described) or when the member is not in it.
 */
export function assignmentInfoOf(group: GroupDescription | undefined, memberId: string): AssignmentInfo | undefined {
  if (group?.state !== 'Stable') return undefined;
  const member = group.members.find((m) => m.memberId === memberId);
  if (member === undefined || member.memberAssignment.length === 0) return undefined;
  return decodeAssignmentInfo(AssignerProtocol.MemberAssignment.decode(member.memberAssignment)?.userData);
}

/**
 * Keeps the latest assignment info of this member. kafkajs hands a member its partitions but not the
 * userData of its assignment, where the leader wrote every member's endpoint and tasks; the group
 * coordinator describes each member's assignment as the leader sent it, so after every join this
 * reads this member's from there (one DescribeGroups request per rebalance). Until a newer one is
 * read, the last one stays: during a rebalance, queries still go to the last known owners, who answer
 * for what they still hold.
 */
export class TaskOwnersReader {
  private latest: AssignmentInfo | undefined;
  private join = 0;
  private retry: NodeJS.Timeout | undefined;
  private closed = false;

  constructor(
    private readonly describeGroup: () => Promise<GroupDescription>,
    private readonly logger: Logger,
    private readonly retryMs = RETRY_MS,
  ) {}

  /** The last assignment info read; undefined before the first one. */
  get current(): AssignmentInfo | undefined {
    return this.latest;
  }

  /** The member joined (a new generation): read its assignment info, replacing any read in progress. */
  joined(memberId: string): void {
    if (this.closed) return;
    this.join += 1;
    if (this.retry !== undefined) clearTimeout(this.retry);
    this.retry = undefined;
    void this.read(this.join, memberId, 1);
  }

  close(): void {
    this.closed = true;
    if (this.retry !== undefined) clearTimeout(this.retry);
  }

  private async read(join: number, memberId: string, attempt: number): Promise<void> {
    let info: AssignmentInfo | undefined;
    try {
      info = assignmentInfoOf(await this.describeGroup(), memberId);
    } catch (error) {
      this.logger.warn('reading the group assignment (who owns which task, for interactive queries) failed; retrying', { err: error, attempt });
    }
    if (this.closed || join !== this.join) return;
    if (info !== undefined) {
      this.latest = info;
      this.logger.debug('task owners read', { owners: info.owners });
      return;
    }
    if (attempt >= MAX_ATTEMPTS) {
      this.logger.warn('gave up reading the group assignment; interactive queries name owners from the previous one until the next rebalance', { attempts: attempt });
      return;
    }
    this.retry = setTimeout(() => void this.read(join, memberId, attempt + 1), this.retryMs);
  }
}
