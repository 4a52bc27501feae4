import { CONTROL_HEADER } from '../../common/constants.js';
import type { Processor } from '../../processor/processor.js';
import type { ProcessorContext } from '../../processor/processor-context.js';
import type { StreamRecord } from '../../processor/stream-record.js';
import type { Serde } from '../../serde/serde.js';
import type { SinkNodeDefinition } from '../../topology/node-definitions.js';
import { partitionForKey } from './murmur2-partitioner.js';
import type { RecordCollector } from './record-collector.js';
import { RecordSerializationError } from './task-errors.js';

/** Without a serde a sink writes bytes: a Buffer as is, a string as UTF-8, null as null. */
function rawBytes(value: unknown): Buffer | null {
  if (value === null || value === undefined) return null;
  if (Buffer.isBuffer(value)) return value;
  if (typeof value === 'string') return Buffer.from(value, 'utf8');
  throw new TypeError(`a ${typeof value} value needs a serde (only Buffer, string and null are written without one)`);
}

function serializeWith(serde: Serde<unknown> | undefined, value: unknown, topic: string): Buffer | null {
  if (value === null || value === undefined) return null;
  return serde === undefined ? rawBytes(value) : serde.serialize(value, { topic });
}

/** Serializes records and hands them to the collector; control records go to every partition of internal topics. */
export class SinkProcessor implements Processor<unknown, unknown, never, never> {
  private context: ProcessorContext<never, never> | undefined;

  constructor(
    private readonly definition: SinkNodeDefinition,
    private readonly topic: string,
    private readonly collector: RecordCollector,
    /** True when another sub-topology reads this sink's topic: only those tasks need control records. */
    private readonly feedsDownstreamTasks: boolean,
  ) {}

  init(context: ProcessorContext<never, never>): void {
    this.context = context;
  }

  process(record: StreamRecord<unknown, unknown>): void {
    let key: Buffer | null;
    let value: Buffer | null;
    try {
      key = serializeWith(this.definition.keySerde, record.key, this.topic);
      value = serializeWith(this.definition.valueSerde, record.value, this.topic);
    } catch (error) {
      throw new RecordSerializationError(this.definition.name, this.topic, error);
    }
    const count = this.collector.partitionCount(this.topic);
    let partition = this.definition.partitioner?.(record.key, record.value, count);
    if (partition === undefined) {
      partition = key === null ? (this.context?.partition ?? 0) % count : partitionForKey(key, count);
    }
    this.collector.send({ topic: this.topic, partition, key, value, timestamp: record.timestamp, headers: record.headers });
  }

  processControl(record: StreamRecord<unknown, unknown>): void {
    // Control records are progress signals between our own tasks; outputs for users and the dead-letter
    // topic never carry them.
    if (!this.feedsDownstreamTasks) return;
    const value = rawBytes(record.value);
    const headers = { ...record.headers, [CONTROL_HEADER]: record.headers[CONTROL_HEADER] ?? '1' };
    const count = this.collector.partitionCount(this.topic);
    for (let partition = 0; partition < count; partition++) {
      this.collector.send({ topic: this.topic, partition, key: null, value, timestamp: record.timestamp, headers });
    }
  }
}
