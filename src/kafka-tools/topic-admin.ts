import type { KafkaConnection } from '../runtime/kafka-connection-config.js';
import type { KafkaAdminClient, PartitionOffsets } from '../runtime/kafka/client-facade.js';
import { KafkaToolError } from './kafka-tool-errors.js';
import { withAdmin, type ToolOptions } from './with-admin.js';

export interface TopicSpec {
  readonly topic: string;
  readonly partitions: number;
  /** Topic configs for a topic that gets created, e.g. `{ 'max.message.bytes': '2097152' }`. */
  readonly config?: Readonly<Record<string, string>>;
}

export interface EnsuredTopic {
  readonly topic: string;
  /** Partition count now. */
  readonly partitions: number;
  /** Partition count before the call; undefined if the topic was created. */
  readonly previousPartitions: number | undefined;
  readonly action: 'created' | 'grown' | 'existing';
}

export interface EnsureTopicsOptions extends ToolOptions {
  /** Add partitions to an existing topic that has fewer than asked (default false: report its count). */
  readonly grow?: boolean;
}

export type { PartitionOffsets } from '../runtime/kafka/client-facade.js';

/**
 * Creates the missing topics (replication factor: the broker's default), grows existing ones when
 * asked, and reports each topic's partition count. Never shrinks: Kafka cannot.
 */
export async function ensureTopics(
  connection: KafkaConnection,
  specs: readonly TopicSpec[],
  options: EnsureTopicsOptions = {},
): Promise<EnsuredTopic[]> {
  return withAdmin(connection, options, async (admin) => {
    const existing = await partitionCountsWith(admin, specs.map((s) => s.topic));
    const missing = specs.filter((s) => !existing.has(s.topic));
    if (missing.length > 0) {
      await admin.createTopics(missing.map((s) => ({ topic: s.topic, partitions: s.partitions, ...(s.config === undefined ? {} : { config: s.config }) })));
    }
    const results: EnsuredTopic[] = [];
    for (const spec of specs) {
      const before = existing.get(spec.topic);
      if (before === undefined) {
        results.push({ topic: spec.topic, partitions: spec.partitions, previousPartitions: undefined, action: 'created' });
      } else if (options.grow === true && before < spec.partitions) {
        await growTopicWith(admin, spec.topic, spec.partitions);
        results.push({ topic: spec.topic, partitions: spec.partitions, previousPartitions: before, action: 'grown' });
      } else {
        results.push({ topic: spec.topic, partitions: before, previousPartitions: before, action: 'existing' });
      }
    }
    return results;
  });
}

/** Partition counts of the topics that exist; missing topics are absent from the map. */
export async function topicPartitionCounts(
  connection: KafkaConnection,
  topics: readonly string[],
  options: ToolOptions = {},
): Promise<Map<string, number>> {
  return withAdmin(connection, options, (admin) => partitionCountsWith(admin, topics));
}

/** First and end offsets of every partition of `topic` (end = last stable offset, as read_committed sees it). */
export async function topicOffsets(connection: KafkaConnection, topic: string, options: ToolOptions = {}): Promise<PartitionOffsets[]> {
  return withAdmin(connection, options, (admin) => topicOffsetsWith(admin, topic));
}

/** Deletes the topics that exist and returns their names; names that do not exist are ignored. */
export async function deleteTopics(connection: KafkaConnection, topics: readonly string[], options: ToolOptions = {}): Promise<string[]> {
  return withAdmin(connection, options, async (admin) => {
    const all = new Set(await admin.listTopics());
    const present = topics.filter((t) => all.has(t));
    if (present.length === 0) return present;
    await admin.deleteTopics(present);
    // A topic is recreated right after deletion by `simulate --recreate`: wait until it is gone from the metadata.
    for (let attempt = 0; ; attempt++) {
      const left = new Set(await admin.listTopics());
      if (!present.some((t) => left.has(t))) return present;
      if (attempt >= 100) throw new KafkaToolError(`topics ${present.join(', ')} are still listed after deleting them`);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  });
}

/** @internal shared with the writer and the reader, which already hold an admin client. */
export async function partitionCountsWith(admin: KafkaAdminClient, topics: readonly string[]): Promise<Map<string, number>> {
  const all = new Set(await admin.listTopics());
  const present = topics.filter((t) => all.has(t));
  if (present.length === 0) return new Map();
  const metadata = await admin.topicMetadata(present);
  return new Map(metadata.map((t) => [t.name, t.partitions.length]));
}

/** @internal */
export async function topicOffsetsWith(admin: KafkaAdminClient, topic: string): Promise<PartitionOffsets[]> {
  if (!(await admin.listTopics()).includes(topic)) throw new KafkaToolError(`topic '${topic}' does not exist`);
  return admin.partitionOffsets(topic);
}

/**
 * Adds partitions, then waits until the metadata shows them all with a leader: a producer that looks
 * before then would not know where to send records for the new partitions.
 */
export async function growTopicWith(admin: KafkaAdminClient, topic: string, count: number): Promise<void> {
  try {
    await admin.createPartitions(topic, count);
  } catch (error) {
    throw new KafkaToolError(`cannot grow topic '${topic}' to ${count} partitions: ${error instanceof Error ? error.message : String(error)}`, error);
  }
  for (let attempt = 0; ; attempt++) {
    const metadata = await admin.topicMetadata([topic]);
    const partitions = metadata[0]?.partitions ?? [];
    if (partitions.length >= count && partitions.every((p) => p.leader >= 0)) return;
    if (attempt >= 50) throw new KafkaToolError(`topic '${topic}' still shows ${partitions.length} partitions with leaders after growing it to ${count}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}
