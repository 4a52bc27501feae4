// Debezium (MySQL/MariaDB connector, JSON converter with or without the schema envelope): decoding.
export { DebeziumDecodeError } from './debezium-errors.js';
export type { DebeziumRecord, DebeziumTransactionBlock, DebeziumTransactionMarker, DebeziumHeartbeat } from './debezium-model.js';
export { decodeDebeziumRecord, decodeDebeziumTransaction, decodeDebeziumHeartbeat, decodeDebeziumMessage, type DebeziumMessage } from './debezium-decode.js';
export type { DebeziumValueOptions } from './debezium-values.js';
