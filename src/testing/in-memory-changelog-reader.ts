import type { ChangelogReader, ChangelogRestoreRequest } from '../runtime/task/task-host.js';
import type { InMemoryTopics } from './in-memory-topics.js';

/** Restores stores from changelogs kept in memory: what each holds beyond the store's checkpoint. */
export class InMemoryChangelogReader implements ChangelogReader {
  constructor(private readonly topics: InMemoryTopics) {}

  async restore(requests: readonly ChangelogRestoreRequest[]): Promise<void> {
    for (const { port, store, topic, partition } of requests) {
      const from = Number((await port.changelogOffset(store)) ?? '0');
      const records = this.topics.read(topic, partition, from);
      if (records.length === 0) continue;
      await port.restore(store, records, String(this.topics.endOffset(topic, partition)));
    }
  }
}
