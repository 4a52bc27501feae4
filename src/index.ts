// The public API of cdc-streams. Topologies, the CLI and users import from here only.
export { CdcStreamsError, ConfigError } from './common/errors.js';
export type { RecordCoordinates } from './common/errors.js';
export type { Headers } from './common/headers.js';
export type { Serde, Serializer, Deserializer, SerdeContext } from './serde/serde.js';
export type { KeyValueStore, KeyValue, RangeOptions } from './state/key-value-store.js';
export type { Processor, ProcessorSupplier } from './processor/processor.js';
export type { ProcessorContext } from './processor/processor-context.js';
export type { PunctuationType, Punctuator, Cancellable } from './processor/punctuation.js';
export type { StreamRecord, RecordMetadata } from './processor/stream-record.js';
export { streamRecord, withKey, withValue, withTimestamp, withHeaders } from './processor/stream-record.js';
