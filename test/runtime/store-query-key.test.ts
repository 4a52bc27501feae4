import { describe, expect, it } from 'vitest';
import { bytesSerde } from '../../src/serde/bytes-serde.js';
import { jsonSerde } from '../../src/serde/json-serde.js';
import { int32KeySerde, int64KeySerde, stringKeySerde, tupleSerde } from '../../src/serde/keys/index.js';
import type { Serde } from '../../src/serde/serde.js';
import { stringSerde } from '../../src/serde/string-serde.js';
import { storeKeyFromText, storeKeyPartition, StoreKeyError } from '../../src/runtime/store-query-key.js';
import { StreamsBuilder } from '../../src/dsl/streams-builder.js';
import type { Topology } from '../../src/topology/topology.js';
import { Partitioners } from 'kafkajs';

const keyOf = (serde: Serde<unknown>, text: string): unknown => storeKeyFromText('s', serde, text).key;

describe('storeKeyFromText', () => {
  it('reads a bytes key as hex, with or without 0x, and serializes it to those bytes', () => {
    expect(storeKeyFromText('payment-deadlines', bytesSerde as Serde<unknown>, '0a1bff')).toEqual({ key: Buffer.from([0x0a, 0x1b, 0xff]), bytes: Buffer.from([0x0a, 0x1b, 0xff]) });
    expect(keyOf(bytesSerde as Serde<unknown>, '0x0A1B')).toEqual(Buffer.from([0x0a, 0x1b]));
  });

  it('refuses a bytes key that is not hex, saying how to give one', () => {
    expect(() => keyOf(bytesSerde as Serde<unknown>, 'x')).toThrow(
      new StoreKeyError('s', bytesSerde as Serde<unknown>, 'x', "give the key's bytes in hex, e.g. /stores/s/0a1b2c"),
    );
  });

  it('reads numeric keys as numbers and bigints, and refuses text that is not one', () => {
    expect(keyOf(int32KeySerde as Serde<unknown>, '-42')).toBe(-42);
    expect(keyOf(int64KeySerde as Serde<unknown>, '9007199254740993')).toBe(9007199254740993n);
    expect(() => keyOf(int64KeySerde as Serde<unknown>, '12x')).toThrow(/'12x' is not a key of store 's' \(int64-key keys\): '12x' is not an integer/);
  });

  it('reads a tuple key as a JSON array, each part by its own kind', () => {
    const serde = tupleSerde(stringKeySerde, int64KeySerde) as Serde<unknown>;
    expect(keyOf(serde, '["o-1", 7]')).toEqual(['o-1', 7n]);
    expect(() => keyOf(serde, 'o-1')).toThrow(/give the key as a JSON array of its parts/);
  });

  it('takes text as it is for string keys, and JSON (or else the text) for json keys', () => {
    expect(keyOf(stringSerde as Serde<unknown>, '100023')).toBe('100023');
    expect(keyOf(jsonSerde() as Serde<unknown>, '{"a":1}')).toEqual({ a: 1 });
    expect(keyOf(jsonSerde() as Serde<unknown>, 'plain')).toBe('plain');
  });

  it('reports a key its serde refuses as a bad key, not a failure', () => {
    const refusing: Serde<unknown> = { name: 'picky', serialize: () => { throw new Error('too long'); }, deserialize: (b) => b };
    expect(() => keyOf(refusing, 'k')).toThrow(/'k' is not a key of store 's' \(picky keys\): too long/);
  });
});

describe('storeKeyPartition', () => {
  const PARTITIONS = 8;
  /** The partition kafkajs' default producer partitioner (Java's murmur2) picks for these key bytes. */
  const producerPartition = (key: Buffer): number =>
    Partitioners.DefaultPartitioner()({
      topic: 't',
      partitionMetadata: Array.from({ length: PARTITIONS }, (_, partitionId) => ({ partitionId, leader: 0, partitionErrorCode: 0, replicas: [0], isr: [0] })),
      message: { key, value: null },
    });
  const partitionOf = (topology: Topology, store: string, text: string): number => {
    const sub = topology.subTopologies.find((s) => s.stores.includes(store))!;
    return storeKeyPartition(topology, 'app', sub, storeKeyFromText(store, topology.stores.get(store)!.keySerde, text), PARTITIONS);
  };
  const keys = Array.from({ length: 40 }, (_, i) => `order-${i}`);

  it("hashes the key as the input's key serde writes it, where a producer put it, not as the store encodes it", () => {
    const b = new StreamsBuilder();
    b.addStateStore({ name: 'by-order', keySerde: stringKeySerde, valueSerde: stringSerde });
    b.stream<string, string>('orders', { keySerde: stringSerde, valueSerde: stringSerde }).process(() => ({ process: () => undefined }), { stores: ['by-order'] });
    const topology = b.build();
    for (const key of keys) expect(partitionOf(topology, 'by-order', key), key).toBe(producerPartition(Buffer.from(key, 'utf8')));
    const storeBytesDiffer = keys.filter((key) => producerPartition(stringKeySerde.serialize(key, { topic: 'orders' })) !== producerPartition(Buffer.from(key, 'utf8')));
    expect(storeBytesDiffer.length, 'keys whose store encoding would have led elsewhere').toBeGreaterThan(0);
  });

  it('asks the partitioner of the sink that writes the input, with a null value, and hashes when it has no answer', () => {
    const b = new StreamsBuilder();
    const seen: unknown[] = [];
    b.stream<string, string>('raw', { keySerde: stringSerde, valueSerde: stringSerde }).to('routed', {
      keySerde: stringSerde,
      valueSerde: stringSerde,
      partitioner: (key, value, count) => {
        seen.push(value);
        return key.startsWith('order-1') ? (key.length * 3) % count : undefined;
      },
    });
    b.table<string, string>('routed', { keySerde: stringSerde, valueSerde: stringSerde, storeName: 'routed-table' });
    const topology = b.build();
    expect(partitionOf(topology, 'routed-table', 'order-17')).toBe((8 * 3) % PARTITIONS);
    expect(partitionOf(topology, 'routed-table', 'order-23')).toBe(producerPartition(Buffer.from('order-23', 'utf8')));
    expect(seen).toEqual([null, null]);
  });
});
