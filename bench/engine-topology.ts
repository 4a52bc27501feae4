import { CdcStreamsError, defineTopology, stringSerde, type Serde, type SerdeContext } from '../src/index.js';
import { ENGINE_STORE } from './engine-workload.js';

/**
 * The engine workload in cdc-streams (docs/benchmarks.md, "Engine workload"), run by the bench with
 * `cdc-streams run bench/engine-topology.ts --set inputTopic=… --set outputTopic=…`: a per-key sum and
 * count of 64-bit values in a persistent RocksDB store (ENGINE_STORE, `sums`) with a changelog, every input record
 * emitting the key's new aggregate. The Kafka Streams peer (bench/peers/kafka-streams/) is the same
 * topology with the same bytes on every topic.
 */

/** A value that does not have the size its format requires. */
export class EngineValueSizeError extends CdcStreamsError {
  constructor(what: string, expected: number, actual: number, context: SerdeContext) {
    super(`${what} on ${context.topic}${context.partition === undefined ? '' : `/${context.partition}`}${context.offset === undefined ? '' : `@${context.offset}`} must be ${expected} bytes, got ${actual}`, {
      code: 'BENCH_VALUE_SIZE',
    });
  }
}

/** Kafka's LongSerializer format: 8 bytes, big-endian signed. */
const int64Serde: Serde<bigint> = {
  name: 'int64',
  serialize(value) {
    const bytes = Buffer.allocUnsafe(8);
    bytes.writeBigInt64BE(value);
    return bytes;
  },
  deserialize(data, context) {
    if (data.length !== 8) throw new EngineValueSizeError('a 64-bit value', 8, data.length, context);
    return data.readBigInt64BE(0);
  },
};

interface SumCount {
  readonly count: bigint;
  readonly sum: bigint;
}

/** 16 bytes: count then sum, each big-endian signed 64-bit (the peer's SumCountSerde). */
const sumCountSerde: Serde<SumCount> = {
  name: 'sum-count',
  serialize(value) {
    const bytes = Buffer.allocUnsafe(16);
    bytes.writeBigInt64BE(value.count, 0);
    bytes.writeBigInt64BE(value.sum, 8);
    return bytes;
  },
  deserialize(data, context) {
    if (data.length !== 16) throw new EngineValueSizeError('a sum-and-count', 16, data.length, context);
    return { count: data.readBigInt64BE(0), sum: data.readBigInt64BE(8) };
  },
};

const EMPTY: SumCount = { count: 0n, sum: 0n };

function param(params: Readonly<Record<string, string>>, name: string): string {
  const value = params[name];
  if (value === undefined || value === '') {
    throw new CdcStreamsError(`bench/engine-topology.ts needs --set ${name}=<topic>`, { code: 'BENCH_PARAM' });
  }
  return value;
}

export default defineTopology({
  applicationId: 'bench-engine-aggregate',
  description: 'engine workload: per-key sum and count of 64-bit values, RocksDB store with a changelog, one output per input',
  build: (builder, env) => {
    builder
      .stream<string, bigint>(param(env.params, 'inputTopic'), { keySerde: stringSerde, valueSerde: int64Serde })
      .groupByKey()
      .aggregate<SumCount>(() => EMPTY, (_key, value, aggregate) => ({ count: aggregate.count + 1n, sum: aggregate.sum + value }), {
        storeName: ENGINE_STORE,
        valueSerde: sumCountSerde,
        kind: 'persistent',
      })
      .toStream()
      .to(param(env.params, 'outputTopic'), { keySerde: stringSerde, valueSerde: sumCountSerde });
  },
});
