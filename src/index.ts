// The public API of cdc-streams. Topologies, the CLI and users import from here only.

// errors, logging, headers
export { CdcStreamsError, ConfigError, describeCoordinates } from './common/errors.js';
export type { RecordCoordinates } from './common/errors.js';
export type { Headers } from './common/headers.js';
export type { Logger } from './common/logger.js';
export { silentLogger } from './common/logger.js';
export { retry, RetriesExhaustedError } from './common/retry.js';

// serdes
export type { Serde, Serializer, Deserializer, SerdeContext } from './serde/serde.js';
export { stringSerde } from './serde/string-serde.js';
export { bytesSerde } from './serde/bytes-serde.js';
export { jsonSerde } from './serde/json-serde.js';
export { InvalidJsonError, JsonNotSerializableError, KeyEncodingError, SerdeNotInitializedError } from './serde/serde-errors.js';
export { int32KeySerde, int64KeySerde, float64KeySerde, stringKeySerde, tupleSerde, prefixUpperBound } from './serde/keys/index.js';
export type { KeyPart, TupleKeySerde, LeadingValues } from './serde/keys/index.js';
export { avroSerde, type AvroSerdeOptions } from './serde/avro/avro-serde.js';
export { loadAvroSchemas } from './serde/avro/load-avro-schemas.js';
export type { AvroSchemaCatalog } from './serde/avro/avro-schema-catalog.js';
export * from './serde/avro/avro-errors.js';
export { createSchemaRegistryClient } from './serde/registry/confluent-schema-registry-client.js';
export type { SchemaRegistryClient } from './serde/registry/schema-registry-client.js';
export {
  checkSchemaCompatibility,
  COMPATIBILITY_LEVELS,
  type CheckSchemaCompatibilityOptions,
  type CompatibilityLevel,
  type CompatibilityProblem,
  type SubjectCompatibility,
} from './serde/registry/check-schema-compatibility.js';
export * from './serde/registry/registry-errors.js';

// state
export type { KeyValueStore, KeyValue, RangeOptions, NotCached } from './state/key-value-store.js';
export { NOT_CACHED } from './state/key-value-store.js';
export type { WindowStore, WindowEntry, Windowed, TimeWindow } from './state/window-store.js';
export { rocksDbMemoryUsage, type RocksDbMemoryUsage } from './state/rocksdb/rocksdb-memory.js';
export { configureRocksDbMemory, rocksDbMemoryOptions, type RocksDbMemoryOptions } from './state/rocksdb/shared-database.js';
export { TimerService, type Timer, type TimerCallback } from './processor/timer-service.js';

// processor API
export type { Processor, ProcessorSupplier } from './processor/processor.js';
export type { ProcessorContext } from './processor/processor-context.js';
export { RecentNotes, type ProcessorNote } from './processor/processor-notes.js';
export type { PunctuationType, Punctuator, Cancellable } from './processor/punctuation.js';
export type { StreamRecord, RecordMetadata } from './processor/stream-record.js';
export { streamRecord, withKey, withValue, withTimestamp, withHeaders } from './processor/stream-record.js';

// topology and DSL
export { TopologyBuilder } from './topology/topology-builder.js';
export type { SourceOptions, ProcessorOptions, SinkOptions, StoreOptions, GlobalStoreOptions } from './topology/topology-builder.js';
export { Topology } from './topology/topology.js';
export { TopologyError } from './topology/topology-error.js';
export { internalTopic, externalTopic, type TopicRef } from './topology/topic-ref.js';
export type { Partitioner } from './topology/node-definitions.js';
export type { StoreKind } from './topology/store-definition.js';
export type { DescribeOptions } from './topology/describe.js';
export { topologyGraph, type TopologyGraph, type TopologyGraphNode, type TopologyGraphStore, type TopologyGraphTopic } from './topology/topology-graph.js';
export { StreamsBuilder } from './dsl/streams-builder.js';
export type { StreamOptions, TableOptions, StateStoreOptions } from './dsl/streams-builder.js';
export { KStream } from './dsl/kstream.js';
export type { Named, StreamSerdes, ProcessOptions, ToOptions, RepartitionOptions, GroupedOptions, StreamJoinedOptions } from './dsl/kstream.js';
export { KTable, type DerivedTableOptions } from './dsl/ktable.js';
export { KGroupedTable, type TableMaterialized } from './dsl/kgrouped-table.js';
export { GlobalKTable } from './dsl/global-ktable.js';
export { KGroupedStream, type Materialized } from './dsl/kgrouped-stream.js';
export { BranchedKStream } from './dsl/branched-kstream.js';
export { pair, type KeyValuePair } from './dsl/key-value-pair.js';
export { TimeWindows } from './dsl/windows.js';
export { JoinWindows } from './dsl/join-windows.js';
export { SessionWindows } from './dsl/session-windows.js';
export { SlidingWindows } from './dsl/sliding-windows.js';
export { SessionWindowedKStream, type SessionMaterialized } from './dsl/session-windowed-kstream.js';
export { TimeWindowedKStream, type WindowedMaterialized } from './dsl/time-windowed-kstream.js';
export type { WindowedByOptions } from './dsl/kgrouped-stream.js';
export { Suppressed } from './dsl/suppressed.js';
export type { Change } from './dsl/table-change.js';
export { timeWindowedSerde, sessionWindowedSerde } from './dsl/windowed-serde.js';
export { windowStoreSpec, type WindowStoreSpec, type WindowStoreSpecOptions } from './dsl/window-store-spec.js';
export type { StreamTimeSource } from './dsl/stream-time.js';
export { streamWatermarkRecord, readStreamWatermark, InvalidStreamWatermarkError, type StreamWatermark } from './dsl/stream-watermark.js';
export { defineTopology, buildTopology, type TopologyDefinition, type TopologyEnvironment } from './dsl/define-topology.js';
export { createTopologyEnvironment, type TopologyEnvironmentOptions } from './dsl/topology-environment.js';

// CDC
export type { ChangeEvent, ChangeSource, ChangeOperation, ColumnValue, JsonValue, Row } from './cdc/change-event.js';
export { compareSourcePositions, gtidSequenceOf, type SourcePosition } from './cdc/source-position.js';
export { changeEventSerde, ChangeEventSerdeError } from './cdc/change-event-serde.js';
export * from './cdc/dts/index.js';
export * from './cdc/debezium/index.js';
export * from './cdc/canal/index.js';
export { parseSqlDateTime, formatSqlDateTime, checkTimeZone } from './cdc/sql-time.js';
export { readEventTimeWatermark, type EventTimeWatermark } from './cdc/watermarks/event-time-watermark.js';

// runtime
export type { ErrorPolicies, RecordErrorPolicy } from './runtime/task/task-errors.js';
export { RecordDeserializationError, RecordProcessingError, RecordSerializationError } from './runtime/task/task-errors.js';
export type {
  AppSnapshot,
  AppState,
  DeadLetterNote,
  OperableApp,
  RebalanceEvent,
  StoreQueryResult,
  StoreSize,
  TaskSnapshot,
  TaskTransition,
} from './runtime/app-snapshot.js';
export type { StoreOwners, StoreOwnersReport, StorePartitionOwner } from './runtime/store-owners.js';


// CDC DSL helpers
export { cdcStream, type CdcStreamOptions } from './cdc/dsl/cdc-stream.js';
export { resequence, type ResequenceOptions } from './cdc/dsl/resequence.js';
export { LATE_HEADER } from './cdc/resequencer/late-flag.js';
export type { HoldPolicy, StallReport, FastPathOptions } from './cdc/resequencer/resequencer-types.js';

// running on Kafka
export { StreamsApp, type StreamsAppOptions } from './runtime/streams-app.js';
export { parseAppConfig, appConfigSchema, type AppConfig, type AppConfigInput } from './runtime/app-config.js';
export { parseKafkaConnection, splitBrokers, type KafkaConnection, type KafkaConnectionInput } from './runtime/kafka-connection-config.js';
export { ApplicationFailedError } from './runtime/kafka/kafka-streams-runtime.js';

// operations
export { createLogger, type LoggerOptions, type LogLevel } from './ops/pino-logger.js';
export { createMetricsRegistry, type MetricsRegistryOptions } from './ops/metrics.js';
export { DEFAULT_OPS_HOST, startOpsServer, type OpsServer, type OpsServerOptions } from './ops/ops-server.js';
