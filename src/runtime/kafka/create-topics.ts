import type { Admin, ITopicConfig } from 'kafkajs';
import { CdcStreamsError } from '../../common/errors.js';

const READY_DEADLINE_MS = 30_000;

// What a KRaft broker answers for a topic it has not finished setting up.
// (kafkajs names Kafka's NOT_LEADER_OR_FOLLOWER, code 6, by its old name.)
const NOT_READY_YET = new Set(['UNKNOWN_TOPIC_OR_PARTITION', 'LEADER_NOT_AVAILABLE', 'NOT_LEADER_FOR_PARTITION']);

/** The Kafka error type of an error or of what it wraps (kafkajs' retrier wraps the broker's error). */
function kafkaErrorType(error: unknown): string | undefined {
  let current: unknown = error;
  for (let depth = 0; depth < 4 && current instanceof Error; depth++) {
    if ('type' in current && typeof current.type === 'string') return current.type;
    current = current.cause;
  }
  return undefined;
}

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
      const type = kafkaErrorType(error);
      if (type === undefined || !NOT_READY_YET.has(type)) throw error;
      lastProblem = type;
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
