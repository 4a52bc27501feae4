import type { ProcessorContext } from '../../processor/processor-context.js';
import type { Processor } from '../../processor/processor.js';
import type { StreamRecord } from '../../processor/stream-record.js';
import { KStream } from '../../dsl/kstream.js';
import type { StreamsBuilder } from '../../dsl/streams-builder.js';
import { ConfigError, type RecordCoordinates } from '../../common/errors.js';
import { internalTopic } from '../../topology/topic-ref.js';
import type { ChangeEvent } from '../change-event.js';
import { changeEventSerde } from '../change-event-serde.js';
import type { ColumnProjection, NormalizeOptions } from '../dts/normalize-transaction.js';
import { CanalReader } from '../formats/canal-reader.js';
import { projectEvent } from '../formats/column-projection.js';
import { debeziumItemSerde, type DebeziumItem } from '../formats/debezium-item.js';
import { DebeziumReader } from '../formats/debezium-reader.js';
import { DtsReader } from '../formats/dts-reader.js';
import type { PartitionReader } from '../formats/partition-reader.js';
import { CdcSourceProcessor } from '../processors/cdc-source-processor.js';
import { DebeziumTransactionProcessor } from '../processors/debezium-transaction-processor.js';
import { toEventRecord } from '../processors/dts-source-processor.js';
import type { ReassemblyOptions } from '../reassembly/envelope-reassembler.js';
import type { TransactionAnomaly } from '../transactions/transaction-entry.js';
import type { StoredProgress } from '../watermarks/progress-announcer.js';
import { jsonSerde } from '../../serde/json-serde.js';
import { stringSerde } from '../../serde/string-serde.js';

export const CDC_FORMATS = ['dts', 'debezium', 'canal-json'] as const;
export type CdcFormatName = (typeof CDC_FORMATS)[number];

/** Where Debezium writes what cdcStream reads besides the table topics; defaults follow Debezium's. */
export interface DebeziumTopicOptions {
  /** Default `<topic.prefix>.transaction`, the prefix read off the table topics (`<prefix>.<db>.<table>`). */
  readonly transactionTopic?: string;
  /** Debezium's heartbeat topic (`__debezium-heartbeat.<topic.prefix>`); read only when named. */
  readonly heartbeatTopic?: string;
  /** The connector's `topic.prefix` (its logical name); default read off the table topics. */
  readonly serverName?: string;
  /** The table (`<db>.<table>`) of each table topic, where topics are routed away from Debezium's names. */
  readonly dataCollections?: Readonly<Record<string, string>>;
}

export interface CdcStreamOptions {
  readonly format: CdcFormatName;
  /** Base name of the nodes (default `cdc-<first topic>`). */
  readonly name?: string;
  /**
   * Columns to keep per table (`table` or `schema.table`), key columns always included; tables not
   * named keep all. Dropped before anything is repartitioned or stored — so a big JSON/BLOB column the
   * topology never reads does not travel through internal topics and stores.
   */
  readonly columns?: ColumnProjection;
  /**
   * The slow heartbeat: re-send a partition's unchanged progress when nothing was announced for this
   * long (wall clock). Default 60 000; 0: never. Progress is also re-sent after every group rebalance.
   */
  readonly watermarkResendIntervalMs?: number;
  /** DTS: chunk reassembly bounds. */
  readonly reassembly?: ReassemblyOptions;
  /** DTS: value decoding (JSON columns parsed, charsets). */
  readonly normalize?: NormalizeOptions;
  /** DTS: told about entries that break the transaction grammar (they are counted and skipped). */
  readonly onAnomaly?: (anomaly: TransactionAnomaly, at: RecordCoordinates) => void;
  /** Debezium and Canal: parse JSON columns into JSON values (default: their text). */
  readonly parseJson?: boolean;
  /** Debezium: the transaction-metadata and heartbeat topics. */
  readonly debezium?: DebeziumTopicOptions;
}

/**
 * A stream of committed row changes from CDC topics in one of the formats (docs/cdc.md), followed by
 * watermark control records with each source's progress, so `resequence()` can order a key's changes:
 * - `dts`: one topic (docs/design.md 1): reassembled, decoded, grouped into transactions; progress from
 *   transactions and heartbeats, per input partition.
 * - `debezium`: the table topics (`<prefix>.<db>.<table>`) and the transaction-metadata topic. Every row
 *   and transaction event goes through a one-partition internal topic to one task, which announces a
 *   shard's progress as its transactions complete by the per-table counts of their END events.
 * - `canal-json`: one or more topics of Canal flat messages; each input partition is its own shard.
 * Raw messages that cannot be used go to the dead-letter topic `<applicationId>-dlq` with headers
 * naming their topic, partition, offset and the reason.
 */
export function cdcStream(builder: StreamsBuilder, topics: string | readonly string[], options: CdcStreamOptions): KStream<null, ChangeEvent> {
  const list = typeof topics === 'string' ? [topics] : [...topics];
  const first = list[0];
  if (first === undefined) throw new ConfigError('cdcStream: no topic to read');
  if (!(CDC_FORMATS as readonly string[]).includes(options.format)) {
    throw new ConfigError(`cdcStream('${first}'): unknown format '${String(options.format)}'; supported: ${CDC_FORMATS.join(', ')}`);
  }
  const base = options.name ?? `cdc-${first}`;
  if (options.format === 'debezium') return debeziumStream(builder, list, base, options);
  if (list.length !== 1) throw new ConfigError(`cdcStream: the ${options.format} format reads one topic, got ${list.length}`);
  const projection = options.columns;
  const reader =
    options.format === 'dts'
      ? (): PartitionReader<ChangeEvent> =>
          new DtsReader({
            reassembly: options.reassembly,
            normalize: projection === undefined ? options.normalize : { ...options.normalize, columns: projection },
            onAnomaly: options.onAnomaly,
          })
      : (source: { inputPartitionCount(): number }): PartitionReader<ChangeEvent> => projected(new CanalReader(() => source.inputPartitionCount(), { parseJson: options.parseJson === true }), projection);
  return sourceStep<ChangeEvent>(builder, list, base, options, reader, toEventRecord, (step) => {
    step.ctx.builder.addProcessor({ name: step.events, parents: [step.decode], supplier: () => onlyEvents() });
    return new KStream<null, ChangeEvent>(step.ctx, step.events, { valueSerde: changeEventSerde }, false);
  });
}

interface SourceStep {
  readonly ctx: KStream<Buffer | null, Buffer>['dslContext'];
  readonly decode: string;
  readonly events: string;
}

/**
 * The part every format shares: a source over the topics, the format's reader in a CdcSourceProcessor
 * with a progress store, and the dead-letter sink as a named child of the decoder.
 */
function sourceStep<Out>(
  builder: StreamsBuilder,
  topics: readonly string[],
  base: string,
  options: CdcStreamOptions,
  reader: (source: { inputPartitionCount(): number }) => PartitionReader<Out>,
  toRecord: (item: Out) => StreamRecord<null, Out>,
  attach: (step: SourceStep) => KStream<null, ChangeEvent>,
): KStream<null, ChangeEvent> {
  const source = builder.stream<Buffer | null, Buffer>(topics, { name: `${base}-source` });
  const ctx = source.dslContext;
  const step: SourceStep = { ctx, decode: `${base}-decode`, events: `${base}-events` };
  const deadLetters = `${base}-dead-letters`;
  // Debezium's source step makes no progress (its transaction step does), so it keeps none.
  const progressStore = options.format === 'debezium' ? undefined : `${base}-progress`;
  const itemsChild = options.format === 'debezium' ? `${base}-transactions-sink` : step.events;
  ctx.builder.addProcessor({
    name: step.decode,
    parents: [source.nodeName],
    stores: progressStore === undefined ? [] : [progressStore],
    supplier: () =>
      new CdcSourceProcessor<Out>({
        reader,
        toRecord,
        itemsChild,
        deadLettersChild: deadLetters,
        inputTopic: topics.length === 1 ? topics[0] : undefined,
        watermarkResendIntervalMs: options.watermarkResendIntervalMs,
        progressStoreName: progressStore,
      }),
  });
  if (progressStore !== undefined) ctx.builder.addStore({ name: progressStore, keySerde: stringSerde, valueSerde: jsonSerde<StoredProgress>() });
  ctx.builder.addSink({ name: deadLetters, topic: internalTopic('dlq'), parents: [step.decode] });
  return attach(step);
}

/**
 * Debezium: the table, transaction and heartbeat topics are decoded where they are read, then every
 * item crosses a one-partition internal topic to the one task that tracks transactions.
 */
function debeziumStream(builder: StreamsBuilder, tableTopics: readonly string[], base: string, options: CdcStreamOptions): KStream<null, ChangeEvent> {
  const given = options.debezium ?? {};
  const dataCollections = new Set<string>();
  let prefix: string | undefined;
  for (const topic of tableTopics) {
    const parts = topic.split('.');
    const named = given.dataCollections?.[topic];
    if (named === undefined && parts.length < 3) {
      throw new ConfigError(`cdcStream: Debezium table topic '${topic}' is not named <topic.prefix>.<db>.<table>; name its table in debezium.dataCollections`);
    }
    dataCollections.add(named ?? parts.slice(-2).join('.'));
    prefix ??= parts.length >= 3 ? parts.slice(0, -2).join('.') : undefined;
  }
  const serverName = given.serverName ?? prefix;
  const transactionTopic = given.transactionTopic ?? (prefix === undefined ? undefined : `${prefix}.transaction`);
  if (serverName === undefined || transactionTopic === undefined) {
    throw new ConfigError('cdcStream: name the Debezium connector (debezium.serverName) and its transaction topic (debezium.transactionTopic)');
  }
  const topics = [...tableTopics, transactionTopic, ...(given.heartbeatTopic === undefined ? [] : [given.heartbeatTopic])];
  const projection = options.columns;
  const reader = (): PartitionReader<DebeziumItem> => projectedItems(new DebeziumReader({ transactionTopic, heartbeatTopic: given.heartbeatTopic, serverName }, { parseJson: options.parseJson === true }), projection);
  return sourceStep<DebeziumItem>(builder, topics, base, options, reader, (item) => ({ key: null, value: item, timestamp: itemTime(item), headers: {} }), (step) => {
    const transactions = internalTopic(`${base}-transactions`, { partitions: 1 });
    const sink = `${base}-transactions-sink`;
    const group = `${base}-transactions`;
    const progressStore = `${base}-transaction-progress`;
    step.ctx.builder.addSink({ name: sink, topic: transactions, parents: [step.decode], valueSerde: debeziumItemSerde });
    step.ctx.builder.addSource({ name: `${group}-source`, topics: [transactions], valueSerde: debeziumItemSerde });
    step.ctx.builder.addProcessor({
      name: group,
      parents: [`${group}-source`],
      stores: [progressStore],
      supplier: () => new DebeziumTransactionProcessor({ dataCollections, watermarkResendIntervalMs: options.watermarkResendIntervalMs, progressStoreName: progressStore }),
    });
    step.ctx.builder.addStore({ name: progressStore, keySerde: stringSerde, valueSerde: jsonSerde<StoredProgress>() });
    step.ctx.builder.addProcessor({ name: step.events, parents: [group], supplier: () => passThrough<null, ChangeEvent>() });
    return new KStream<null, ChangeEvent>(step.ctx, step.events, { valueSerde: changeEventSerde }, false);
  });
}

function itemTime(item: DebeziumItem): number {
  switch (item.kind) {
    case 'change':
      return item.event.source.timestamp;
    case 'marker':
      return item.marker.timestamp;
    case 'heartbeat':
      return item.timestamp;
    case 'counted':
      return 0;
  }
}

function projected(reader: PartitionReader<ChangeEvent>, projection: ColumnProjection | undefined): PartitionReader<ChangeEvent> {
  if (projection === undefined) return reader;
  return {
    read: (raw, at) => {
      const result = reader.read(raw, at);
      return { ...result, items: result.items.map((event) => projectEvent(event, projection)) };
    },
    heldOffset: () => reader.heldOffset(),
    metrics: () => reader.metrics(),
  };
}

function projectedItems(reader: PartitionReader<DebeziumItem>, projection: ColumnProjection | undefined): PartitionReader<DebeziumItem> {
  if (projection === undefined) return reader;
  return {
    read: (raw, at) => {
      const result = reader.read(raw, at);
      return { ...result, items: result.items.map((item) => (item.kind === 'change' ? { ...item, event: projectEvent(item.event, projection) } : item)) };
    },
    heldOffset: () => reader.heldOffset(),
    metrics: () => reader.metrics(),
  };
}

/** The decoder's event child: its records are change events (dead letters go to their own child). */
function onlyEvents(): Processor<Buffer | null, ChangeEvent | Buffer, null, ChangeEvent> {
  let context: ProcessorContext<null, ChangeEvent>;
  return {
    init(c: ProcessorContext<null, ChangeEvent>) {
      context = c;
    },
    process(record: StreamRecord<Buffer | null, ChangeEvent | Buffer>) {
      if (isEventRecord(record)) context.forward(record);
    },
  };
}

function isEventRecord(record: StreamRecord<Buffer | null, ChangeEvent | Buffer>): record is StreamRecord<null, ChangeEvent> {
  return record.key === null && !Buffer.isBuffer(record.value);
}

function passThrough<K, V>(): Processor<K, V, K, V> {
  let context: ProcessorContext<K, V>;
  return {
    init(c: ProcessorContext<K, V>) {
      context = c;
    },
    process(record: StreamRecord<K, V>) {
      context.forward(record);
    },
  };
}
