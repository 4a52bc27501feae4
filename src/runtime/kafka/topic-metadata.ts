import kafkajs, { type Admin } from 'kafkajs';
import { KAFKA_DEFAULT_MAX_MESSAGE_BYTES } from '../../common/constants.js';
import { CdcStreamsError } from '../../common/errors.js';

export class UnknownTopicError extends CdcStreamsError {
  constructor(topic: string) {
    super(`topic '${topic}' does not exist (or has no partitions)`, { code: 'UNKNOWN_TOPIC' });
  }
}

/** Partition counts and size limits of the topics the application uses, refreshed on demand. */
export class TopicMetadata {
  private readonly counts = new Map<string, number>();
  private readonly maxMessageBytes = new Map<string, number>();
  /** Metadata requests started so far: a count read by request n reflects every change made before n started. */
  private requestsStarted = 0;
  private countsVersion_ = 0;

  constructor(private readonly admin: Admin) {}

  async refresh(topics: readonly string[]): Promise<void> {
    if (topics.length === 0) return;
    const request = ++this.requestsStarted;
    const metadata = await this.admin.fetchTopicMetadata({ topics: [...topics] });
    for (const topic of metadata.topics) this.counts.set(topic.name, topic.partitions.length);
    if (request > this.countsVersion_) this.countsVersion_ = request;
  }

  /**
   * How many metadata requests had started when the newest one whose answer is in the counts was
   * sent. A partition count with version v reflects every partition added before request v began.
   */
  get countsVersion(): number {
    return this.countsVersion_;
  }

  /** Metadata requests started so far (see `countsVersion`). */
  get requestsSent(): number {
    return this.requestsStarted;
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
  }
}
