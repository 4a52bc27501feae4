// Kafka operations for the command-line tools (simulate, verify, inspect, reset, demo): callers pass a
// KafkaConnection and get plain values back. The clients come from src/runtime/kafka/client-facade.ts,
// so this folder never imports kafkajs.
export { KafkaToolError } from './kafka-tool-errors.js';
export type { ToolOptions } from './with-admin.js';
export { ensureTopics, topicPartitionCounts, topicOffsets, deleteTopics } from './topic-admin.js';
export type { TopicSpec, EnsuredTopic, EnsureTopicsOptions, PartitionOffsets } from './topic-admin.js';
export { writeMessages } from './write-messages.js';
export type { OutgoingMessage, WriteMessagesOptions, WriteProgress, WriteResult } from './write-messages.js';
export { readTopic } from './read-topic.js';
export type { RawRecord, ReadProgress, ReadTopicOptions } from './read-topic.js';
export { resetConsumerGroupOffsets, deleteConsumerGroup } from './consumer-group-admin.js';
