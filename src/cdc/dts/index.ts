// The DTS subscription protocol: codec (decode/encode/chunk) and normalization to ChangeEvents.
export { DtsProtocolError, DtsDecodeError, DtsNormalizeError } from './dts-errors.js';
export { DtsDataType, DtsDmlType, DtsSourceType, DtsMessageType, MESSAGE_TYPE_OF_KIND } from './dts-model.js';
export type {
  DtsKeyValue,
  DtsEnvelope,
  DtsHeader,
  DtsData,
  DtsColumn,
  DtsRowChange,
  DtsBeginEvent,
  DtsDmlEvent,
  DtsCommitEvent,
  DtsDdlEvent,
  DtsRollbackEvent,
  DtsHeartbeatEvent,
  DtsCheckpointEvent,
  DtsEvent,
  DtsEventKind,
  DtsEntry,
} from './dts-model.js';
export { decodeEnvelope, decodeEntries } from './dts-decode.js';
export { encodeEntries, encodeEnvelope } from './dts-encode.js';
export { chunkEntries, type ChunkOptions } from './chunk-entries.js';
export { normalizeTransaction, type NormalizeOptions, type ColumnProjection } from './normalize-transaction.js';
export { decodeColumnValue, type ColumnValueOptions } from './column-value.js';
