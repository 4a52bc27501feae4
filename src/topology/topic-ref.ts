/**
 * A topic a node reads or writes. Internal topics (repartition) are named by their logical name in
 * the topology; the runtime prefixes the application id: `<applicationId>-<name>`.
 */
export interface TopicRef {
  readonly name: string;
  readonly internal: boolean;
}

export function externalTopic(name: string): TopicRef {
  return { name, internal: false };
}

export function internalTopic(name: string): TopicRef {
  return { name, internal: true };
}

export function physicalTopicName(topic: TopicRef, applicationId: string): string {
  return topic.internal ? `${applicationId}-${topic.name}` : topic.name;
}
