import type { Admin, ITopicConfig } from 'kafkajs';
import { CdcStreamsError } from '../../common/errors.js';
import { isNotReadyYet, kafkaErrorType } from './kafka-not-ready.js';

const READY_DEADLINE_MS = 30_000;

/**
 * Creates topics (one that already exists, e.g. made by another instance at the same moment, is
 * fine) and waits until each answers as a ready topic does: every partition has a leader in the
 * metadata, and the leaders answer an offsets request. kafkajs' own `waitForLeaders` retries
 * LEADER_NOT_AVAILABLE only, while a busy KRaft broker that has not yet applied a new topic answers
 * UNKNOWN_TOPIC_OR_PARTITION for a moment, and NOT_LEADER_OR_FOLLOWER to offsets requests a moment
 * longer — both of which kafkajs throws at once, failing whatever came next.
 */
export async function createTopicsWithLeaders(
  admin: Pick<Admin, 'createTopics' | 'fetchTopicMetadata' | 'fetchTopicOffsets'>,
  topics: readonly ITopicConfig[],
  deadlineMs = READY_DEADLINE_MS,
): Promise<void> {
  if (topics.length === 0) return;
  await admin.createTopics({ waitForLeaders: false, topics: [...topics] });
  const names = topics.map((t) => t.topic);
  const deadline = Date.now() + deadlineMs;
  let lastProblem = 'no answer yet';
  for (;;) {
    try {
      const { topics: found } = await admin.fetchTopicMetadata({ topics: names });
      const leaderless = names.filter((name) => {
        const partitions = found.find((t) => t.name === name)?.partitions ?? [];
        return partitions.length === 0 || partitions.some((p) => p.leader < 0);
      });
      if (leaderless.length === 0) {
        for (const name of names) await admin.fetchTopicOffsets(name);
        return;
      }
      lastProblem = `no leader yet for ${leaderless.join(', ')}`;
    } catch (error) {
      if (!isNotReadyYet(error)) throw error;
      lastProblem = kafkaErrorType(error) ?? 'not ready';
    }
    if (Date.now() >= deadline) {
      throw new CdcStreamsError(`topics ${names.join(', ')} were created but are not ready after ${deadlineMs / 1000} s (${lastProblem})`, {
        code: 'TOPICS_NOT_READY',
        retriable: true,
      });
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}
