import type { Admin, ITopicConfig } from 'kafkajs';
import { CdcStreamsError } from '../../common/errors.js';

const LEADERS_DEADLINE_MS = 30_000;

// Errors a KRaft broker answers for a topic it has not finished setting up.
const NOT_READY_YET = new Set(['UNKNOWN_TOPIC_OR_PARTITION', 'LEADER_NOT_AVAILABLE']);

/**
 * Creates topics (one that already exists, e.g. made by another instance at the same moment, is
 * fine) and waits until every partition of each has a leader. kafkajs' own `waitForLeaders` retries
 * LEADER_NOT_AVAILABLE only, while a busy KRaft broker that has not yet applied a new topic to its
 * metadata answers UNKNOWN_TOPIC_OR_PARTITION — which kafkajs then throws, failing the start.
 */
export async function createTopicsWithLeaders(admin: Pick<Admin, 'createTopics' | 'fetchTopicMetadata'>, topics: readonly ITopicConfig[], deadlineMs = LEADERS_DEADLINE_MS): Promise<void> {
  if (topics.length === 0) return;
  await admin.createTopics({ waitForLeaders: false, topics: [...topics] });
  const names = topics.map((t) => t.topic);
  const deadline = Date.now() + deadlineMs;
  let lastProblem = 'no answer yet';
  for (;;) {
    try {
      const { topics: found } = await admin.fetchTopicMetadata({ topics: names });
      const waiting = names.filter((name) => {
        const partitions = found.find((t) => t.name === name)?.partitions ?? [];
        return partitions.length === 0 || partitions.some((p) => p.leader < 0);
      });
      if (waiting.length === 0) return;
      lastProblem = `no leader yet for ${waiting.join(', ')}`;
    } catch (error) {
      const type = error instanceof Error && 'type' in error ? error.type : undefined;
      if (typeof type !== 'string' || !NOT_READY_YET.has(type)) throw error;
      lastProblem = type;
    }
    if (Date.now() >= deadline) {
      throw new CdcStreamsError(`topics ${names.join(', ')} were created but have no leaders after ${deadlineMs / 1000} s (${lastProblem})`, {
        code: 'TOPIC_LEADERS_TIMEOUT',
        retriable: true,
      });
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}
