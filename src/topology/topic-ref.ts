/**
 * A topic a node reads or writes. Internal topics (repartition) are named by their logical name in
 * the topology; the runtime prefixes the application id: `<applicationId>-<name>`.
 */
export interface TopicRef {
  readonly name: string;
  readonly internal: boolean;
  /**
   * An internal topic's fixed partition count, for a step that must see a whole stream in one task
   * (Debezium's transaction grouping); otherwise the writing sub-topology's task count.
   */
  readonly partitions?: number;
}

export function externalTopic(name: string): TopicRef {
  return { name, internal: false };
}

export function internalTopic(name: string, options: { readonly partitions?: number } = {}): TopicRef {
  return options.partitions === undefined ? { name, internal: true } : { name, internal: true, partitions: options.partitions };
}

export function physicalTopicName(topic: TopicRef, applicationId: string): string {
  return topic.internal ? `${applicationId}-${topic.name}` : topic.name;
}
