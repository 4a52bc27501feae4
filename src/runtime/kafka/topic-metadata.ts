import type { Admin } from 'kafkajs';
import kafkajs from './kafkajs.js';
import { KAFKA_DEFAULT_MAX_MESSAGE_BYTES } from '../../common/constants.js';
import { CdcStreamsError } from '../../common/errors.js';
import type { InputPartitionsReading } from '../../processor/processor-context.js';
import type { ShareableTopicInfo, TopicInfoSnapshot } from '../threads/topic-info-mirror.js';

export class UnknownTopicError extends CdcStreamsError {
  constructor(topic: string) {
    super(`topic '${topic}' does not exist (or has no partitions)`, { code: 'UNKNOWN_TOPIC' });
  }
}

/** Partition counts and size limits of the topics the application uses, refreshed on demand. */
export class TopicMetadata implements ShareableTopicInfo {
  private readonly counts = new Map<string, number>();
  private readonly maxMessageBytes = new Map<string, number>();
  /** Metadata reads started so far, and per topic the number of the read its count came from. */
  private readsStarted = 0;
  private readonly countRead = new Map<string, number>();
  private version_ = 0;
  private rebalances = 0;

  constructor(private readonly admin: Admin) {}

  async refresh(topics: readonly string[]): Promise<void> {
    if (topics.length === 0) return;
    const read = ++this.readsStarted;
    this.version_++;
    const metadata = await this.admin.fetchTopicMetadata({ topics: [...topics] });
    for (const topic of metadata.topics) {
      this.counts.set(topic.name, topic.partitions.length);
      if (read > (this.countRead.get(topic.name) ?? 0)) this.countRead.set(topic.name, read);
    }
    this.version_++;
  }

  /** Changes with every change of counts, limits or reads (for copies in worker threads). */
  get version(): number {
    return this.version_;
  }

  snapshot(): TopicInfoSnapshot {
    return {
      counts: [...this.counts],
      limits: [...this.maxMessageBytes],
      countRead: [...this.countRead],
      readsStarted: this.readsStarted,
      groupRebalances: this.rebalances,
    };
  }

  /** The instance applied a task assignment: tasks reading what its tasks write may have restarted. */
  rebalanced(): void {
    this.rebalances++;
    this.version_++;
  }

  groupRebalances(): number {
    return this.rebalances;
  }

  /**
   * The most partitions of `topics`, with the number of the oldest read those counts came from and
   * the reads started so far (InputPartitionsReading): a task's view of its input topics.
   */
  inputPartitions(topics: readonly string[]): InputPartitionsReading {
    let count = 0;
    let countRead = Number.MAX_SAFE_INTEGER;
    for (const topic of topics) {
      count = Math.max(count, this.partitionCount(topic));
      countRead = Math.min(countRead, this.countRead.get(topic) ?? 0);
    }
    return { count, countRead, readsStarted: this.readsStarted };
  }

  /** Reads each topic's effective `max.message.bytes` (the topic's own, else the broker's). */
  async refreshLimits(topics: readonly string[]): Promise<void> {
    if (topics.length === 0) return;
    const described = await this.admin.describeConfigs({
      includeSynonyms: false,
      // kafkajs is CommonJS and Node cannot see this enum as a named export.
      resources: topics.map((name) => ({ type: kafkajs.ConfigResourceTypes.TOPIC, name, configNames: ['max.message.bytes'] })),
    });
    for (const resource of described.resources) {
      const entry = resource.configEntries.find((e) => e.configName === 'max.message.bytes');
      const bytes = entry === undefined ? NaN : Number(entry.configValue);
      if (Number.isSafeInteger(bytes) && bytes > 0) this.maxMessageBytes.set(resource.resourceName, bytes);
    }
    this.version_++;
  }

  /** The topic's `max.message.bytes` as last read; Kafka's default for a topic not read yet. */
  maxRecordBytes(topic: string): number {
    return this.maxMessageBytes.get(topic) ?? KAFKA_DEFAULT_MAX_MESSAGE_BYTES;
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
    this.version_++;
  }
}
