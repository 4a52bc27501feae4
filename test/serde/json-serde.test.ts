import { describe, expect, it } from 'vitest';
import { jsonSerde } from '../../src/serde/json-serde.js';
import { InvalidJsonError, JsonNotSerializableError } from '../../src/serde/serde-errors.js';

const read = { topic: 'sale.orders', partition: 3, offset: '42' };

describe('jsonSerde', () => {
  it('round-trips nested objects, arrays, unicode and null', () => {
    const serde = jsonSerde<unknown>();
    const value = { id: 'o-1', amount: '12.50', items: [1, 2, { sku: '秒杀' }], paid: null, ok: true };
    expect(serde.deserialize(serde.serialize(value, read), read)).toEqual(value);
    expect(serde.serialize({ a: 1 }, read).toString()).toBe('{"a":1}');
  });

  it('names topic, partition and offset when the bytes are not JSON', () => {
    const serde = jsonSerde<unknown>();
    expect(() => serde.deserialize(Buffer.from('{"a":'), read)).toThrow(InvalidJsonError);
    expect(() => serde.deserialize(Buffer.from('{"a":'), read)).toThrow(/sale\.orders\/3@42/);
  });

  it('rejects bytes that are not UTF-8 instead of replacing them', () => {
    const serde = jsonSerde<unknown>();
    expect(() => serde.deserialize(Buffer.from([0x22, 0xff, 0x22]), read)).toThrow(InvalidJsonError);
  });

  it('refuses values JSON cannot hold: bigint, cycles, undefined', () => {
    const serde = jsonSerde<unknown>();
    const cycle: { self?: unknown } = {};
    cycle.self = cycle;
    expect(() => serde.serialize({ n: 1n }, { topic: 'out' })).toThrow(JsonNotSerializableError);
    expect(() => serde.serialize(cycle, { topic: 'out' })).toThrow(/topic out/);
    expect(() => serde.serialize(undefined, { topic: 'out' })).toThrow(JsonNotSerializableError);
  });
});
