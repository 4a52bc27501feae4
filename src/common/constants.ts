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
