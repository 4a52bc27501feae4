import type { Admin } from 'kafkajs';
import { CdcStreamsError } from '../../common/errors.js';

export class UnknownTopicError extends CdcStreamsError {
  constructor(topic: string) {
    super(`topic '${topic}' does not exist (or has no partitions)`, { code: 'UNKNOWN_TOPIC' });
  }
}

/** Partition counts of the topics the application uses, refreshed on demand. */
export class TopicMetadata {
  private readonly counts = new Map<string, number>();

  constructor(private readonly admin: Admin) {}

  async refresh(topics: readonly string[]): Promise<void> {
    if (topics.length === 0) return;
    const metadata = await this.admin.fetchTopicMetadata({ topics: [...topics] });
    for (const topic of metadata.topics) this.counts.set(topic.name, topic.partitions.length);
  }

  /** Existing topics among `topics`, with their partition counts. */
  async existing(topics: readonly string[]): Promise<Map<string, number>> {
    const all = new Set(await this.admin.listTopics());
    const present = topics.filter((t) => all.has(t));
    await this.refresh(present);
    return new Map(present.map((t) => [t, this.counts.get(t)!]));
  }

  partitionCount(topic: string): number {
    const count = this.counts.get(topic);
    if (count === undefined || count === 0) throw new UnknownTopicError(topic);
    return count;
  }

  has(topic: string): boolean {
    return this.counts.has(topic);
  }

  set(topic: string, partitions: number): void {
    this.counts.set(topic, partitions);
  }
}
