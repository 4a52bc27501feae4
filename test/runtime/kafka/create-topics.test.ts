import type { Admin, ITopicMetadata } from 'kafkajs';
import { describe, expect, it } from 'vitest';
import { CdcStreamsError } from '../../../src/common/errors.js';
import { createTopicsWithLeaders } from '../../../src/runtime/kafka/create-topics.js';

// The wait loop only: the real broker path runs in every integration test (the app's internal topics,
// the test kit's topics). A busy KRaft broker's "not yet" answers are scripted here, since they cannot
// be produced on demand.
function kafkaError(type: string): Error {
  return Object.assign(new Error(`broker says ${type}`), { type });
}

type ScriptedAdmin = Pick<Admin, 'createTopics' | 'fetchTopicMetadata' | 'fetchTopicOffsets'> & { created: string[]; asked: number; offsetsAsked: number };

/** Metadata answers in turn (the last repeats), and offsets answers in turn (then success). */
function scriptedAdmin(answers: ReadonlyArray<Error | ITopicMetadata[]>, offsetAnswers: readonly Error[] = []): ScriptedAdmin {
  let next = 0;
  const admin: ScriptedAdmin = {
    created: [],
    asked: 0,
    offsetsAsked: 0,
    createTopics: async (options: Parameters<Admin['createTopics']>[0]) => {
      admin.created.push(...options.topics.map((t) => t.topic));
      return true;
    },
    fetchTopicMetadata: async () => {
      admin.asked += 1;
      const answer = answers[Math.min(next++, answers.length - 1)];
      if (answer instanceof Error) throw answer;
      return { topics: answer ?? [] };
    },
    fetchTopicOffsets: async () => {
      const answer = offsetAnswers[admin.offsetsAsked++];
      if (answer !== undefined) throw answer;
      return [];
    },
  };
  return admin;
}

const led = (name: string, leaders: number[]): ITopicMetadata => ({
  name,
  partitions: leaders.map((leader, partitionId) => ({ partitionId, leader, partitionErrorCode: 0, replicas: [1], isr: [1] })),
});

describe('createTopicsWithLeaders', () => {
  it('waits through "unknown topic" and leaderless partitions until every partition has a leader', async () => {
    const admin = scriptedAdmin([kafkaError('UNKNOWN_TOPIC_OR_PARTITION'), [led('t', [1, -1])], kafkaError('LEADER_NOT_AVAILABLE'), [led('t', [1, 1])]]);
    await createTopicsWithLeaders(admin, [{ topic: 't', numPartitions: 2 }]);
    expect(admin.created).toEqual(['t']);
    expect(admin.asked).toBe(4);
  });

  it('waits until the leaders answer offsets requests, also when kafkajs wraps their "not the leader"', async () => {
    const notLeader = kafkaError('NOT_LEADER_FOR_PARTITION');
    const wrapped = Object.assign(new Error('wrapped', { cause: notLeader }), { name: 'KafkaJSNonRetriableError' });
    const admin = scriptedAdmin([[led('t', [1])]], [wrapped, notLeader]);
    await createTopicsWithLeaders(admin, [{ topic: 't' }]);
    expect(admin.offsetsAsked).toBe(3);
    expect(admin.asked).toBe(3);
  });

  it('passes any other error on at once', async () => {
    const admin = scriptedAdmin([kafkaError('TOPIC_AUTHORIZATION_FAILED')]);
    await expect(createTopicsWithLeaders(admin, [{ topic: 't' }])).rejects.toThrow('broker says TOPIC_AUTHORIZATION_FAILED');
    expect(admin.asked).toBe(1);
  });

  it('gives up after the deadline naming the topics and what it last saw', async () => {
    const admin = scriptedAdmin([kafkaError('UNKNOWN_TOPIC_OR_PARTITION')]);
    const failure = createTopicsWithLeaders(admin, [{ topic: 'a' }, { topic: 'b' }], 250);
    await expect(failure).rejects.toBeInstanceOf(CdcStreamsError);
    await expect(failure).rejects.toThrow('topics a, b were created but are not ready after 0.25 s (UNKNOWN_TOPIC_OR_PARTITION)');
  });

  it('creates nothing for an empty list', async () => {
    const admin = scriptedAdmin([]);
    await createTopicsWithLeaders(admin, []);
    expect(admin.created).toEqual([]);
    expect(admin.asked).toBe(0);
  });
});
