import type { Admin } from 'kafkajs';
import { describe, expect, it } from 'vitest';
import { growTopics } from '../../../src/runtime/kafka/ensure-topics.js';

/** An admin whose createPartitions fails with `error`, and whose metadata shows `counts` one read after another. */
function fakeAdmin(error: Error & { type?: string }, counts: number[]): { admin: Admin; reads: () => number } {
  let reads = 0;
  const admin = {
    createPartitions: () => Promise.reject(error),
    fetchTopicMetadata: ({ topics }: { topics: string[] }) => {
      const count = counts[Math.min(reads, counts.length - 1)] ?? 0;
      reads++;
      return Promise.resolve({ topics: topics.map((name) => ({ name, partitions: Array.from({ length: count }, (_, partition) => ({ partitionId: partition })) })) });
    },
  };
  return { admin: admin as unknown as Admin, reads: () => reads };
}

function invalidPartitions(): Error & { type: string } {
  return Object.assign(new Error('Number of partitions is invalid'), { type: 'INVALID_PARTITIONS' });
}

describe('growTopics', () => {
  it('takes a refusal for done once the metadata shows that another instance grew the topic, even if it shows it late', async () => {
    const { admin, reads } = fakeAdmin(invalidPartitions(), [4, 4, 8]);
    await growTopics(admin, [{ topic: 'app-store-changelog', partitions: 8 }]);
    expect(reads()).toBe(3);
  });

  it('fails with the broker error when the topic did not reach the count', async () => {
    const denied = Object.assign(new Error('Topic authorization failed'), { type: 'TOPIC_AUTHORIZATION_FAILED' });
    const { admin } = fakeAdmin(denied, [4]);
    await expect(growTopics(admin, [{ topic: 'app-store-changelog', partitions: 8 }])).rejects.toThrow('Topic authorization failed');
  });
});
