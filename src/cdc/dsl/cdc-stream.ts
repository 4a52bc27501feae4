import type { ProcessorContext } from '../../processor/processor-context.js';
import type { Processor } from '../../processor/processor.js';
import type { StreamRecord } from '../../processor/stream-record.js';
import { KStream } from '../../dsl/kstream.js';
import type { StreamsBuilder } from '../../dsl/streams-builder.js';
import { ConfigError } from '../../common/errors.js';
import { internalTopic } from '../../topology/topic-ref.js';
import type { ChangeEvent } from '../change-event.js';
import { changeEventSerde } from '../change-event-serde.js';
import { DtsSourceProcessor, type DtsSourceOptions, type StoredProgress } from '../processors/dts-source-processor.js';
import type { ColumnProjection } from '../dts/normalize-transaction.js';
import { jsonSerde } from '../../serde/json-serde.js';
import { stringSerde } from '../../serde/string-serde.js';

export interface CdcStreamOptions extends Omit<DtsSourceOptions, 'deadLetters'> {
  readonly format: 'dts';
  /** Base name of the nodes (default `cdc-<topic>`). */
  readonly name?: string;
  /**
   * Columns to keep per table (`table` or `schema.table`), key columns always included; tables not
   * named keep all. Dropped before anything is decoded, repartitioned or stored — so a big JSON/BLOB
   * column the topology never reads does not travel through internal topics and stores.
   */
  readonly columns?: ColumnProjection;
}

/**
 * A stream of committed row changes from a CDC topic: reassembled, decoded, grouped into transactions
 * and normalized (docs/design.md 3.1-3.2), followed by this partition's watermark progress as control
 * records. Raw messages that cannot be used go to the dead-letter topic `<applicationId>-dlq`.
 */
export function cdcStream(builder: StreamsBuilder, topic: string, options: CdcStreamOptions): KStream<null, ChangeEvent> {
  if (options.format !== 'dts') throw new ConfigError(`cdcStream('${topic}'): unknown format '${String(options.format)}'; supported: dts`);
  const source = builder.stream<Buffer | null, Buffer>(topic, { name: `${options.name ?? `cdc-${topic}`}-source` });
  const ctx = source.dslContext;
  const base = options.name ?? `cdc-${topic}`;
  const decode = `${base}-decode`;
  const events = `${base}-events`;
  const deadLetters = `${base}-dead-letters`;
  const progressStore = `${base}-progress`;
  const { format: _format, name: _name, columns, ...rest } = options;
  const normalize = columns === undefined ? rest.normalize : { ...rest.normalize, columns };
  const sourceOptions = { ...rest, ...(normalize === undefined ? {} : { normalize }), progressStoreName: progressStore, inputTopic: topic };
  ctx.builder.addProcessor({
    name: decode,
    parents: [source.nodeName],
    stores: [progressStore],
    supplier: () => routedDtsSource(sourceOptions, events, deadLetters),
  });
  ctx.builder.addStore({ name: progressStore, keySerde: stringSerde, valueSerde: jsonSerde<StoredProgress>() });
  ctx.builder.addProcessor({
    name: events,
    parents: [decode],
    supplier: () => passThrough<null, ChangeEvent>(),
  });
  ctx.builder.addSink({ name: deadLetters, topic: internalTopic('dlq'), parents: [decode] });
  return new KStream<null, ChangeEvent>(ctx, events, { valueSerde: changeEventSerde }, false);
}

/** The DTS source with its two outputs kept apart: events to one child, dead letters to the other. */
function routedDtsSource(
  options: Omit<DtsSourceOptions, 'deadLetters'>,
  eventsChild: string,
  deadLettersChild: string,
): Processor<Buffer | null, Buffer, null, ChangeEvent> {
  let context: ProcessorContext<null, ChangeEvent> | undefined;
  const inner = new DtsSourceProcessor({
    ...options,
    deadLetters: (record) => (context as unknown as ProcessorContext<Buffer | null, Buffer>).forward(record, deadLettersChild),
  });
  return {
    init(real: ProcessorContext<null, ChangeEvent>) {
      context = real;
      const routed = Object.create(real) as ProcessorContext<null, ChangeEvent>;
      routed.forward = (record, child) => real.forward(record, child ?? eventsChild);
      return inner.init(routed);
    },
    process: (record) => inner.process(record),
    onBatchEnd: () => inner.onBatchEnd(),
    close: () => inner.close(),
    reportMetrics: () => ({
      ...inner.metrics,
      ...numericFields(inner.reassembler.metrics),
      ...numericFields(inner.grouper.metrics),
    }),
  };
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

function numericFields(value: object): Record<string, number> {
  const result: Record<string, number> = {};
  for (const [k, v] of Object.entries(value)) if (typeof v === 'number') result[k] = v;
  return result;
}
