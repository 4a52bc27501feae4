/** Reserved names: internal topic suffixes, header keys, metric prefixes. One place, so nothing drifts. */
export const REPARTITION_TOPIC_SUFFIX = '-repartition';
export const CHANGELOG_TOPIC_SUFFIX = '-changelog';
export const DEAD_LETTER_TOPIC_SUFFIX = '-dlq';

export const HEADER_PREFIX = 'cdc-streams.';
/** Marks a control record (watermark progress etc.) on an internal topic; never treated as data. */
export const CONTROL_HEADER = `${HEADER_PREFIX}control`;
export const DLQ_HEADER_TOPIC = `${HEADER_PREFIX}dlq.topic`;
export const DLQ_HEADER_PARTITION = `${HEADER_PREFIX}dlq.partition`;
export const DLQ_HEADER_OFFSET = `${HEADER_PREFIX}dlq.offset`;
export const DLQ_HEADER_ERROR_CLASS = `${HEADER_PREFIX}dlq.error-class`;
export const DLQ_HEADER_ERROR_MESSAGE = `${HEADER_PREFIX}dlq.error-message`;

export const METRIC_PREFIX = 'cdc_streams_';

/**
 * A piece of a record cut to fit its topic (repartition topics): `<writer>;<group>;<index>;<total>`,
 * where `<writer>` is `<taskId>.<incarnation>` of the task that wrote it. docs/runtime.md, "Records
 * bigger than a Kafka message".
 */
export const CHUNK_HEADER = `${HEADER_PREFIX}chunk`;
/** On control records written to repartition topics: the writing task (as in CHUNK_HEADER). */
export const WRITER_HEADER = `${HEADER_PREFIX}writer`;
/** On a changelog record that is one piece of a value too big for the changelog topic. */
export const CHANGELOG_PIECE_HEADER = `${HEADER_PREFIX}changelog-piece`;
/** On a changelog record whose value is a manifest naming the pieces of a chunked value. */
export const CHANGELOG_CHUNKED_HEADER = `${HEADER_PREFIX}changelog-chunked`;
/** On a dead letter whose value was left out because it did not fit the dead-letter topic: its size. */
export const DLQ_HEADER_VALUE_OMITTED = `${HEADER_PREFIX}dlq.value-omitted-bytes`;
/** Kafka's default `message.max.bytes` (1 MiB + the record batch overhead). */
export const KAFKA_DEFAULT_MAX_MESSAGE_BYTES = 1_048_588;
