import { describe, expect, it } from 'vitest';
import type { ChangeEvent } from '../../../src/cdc/change-event.js';
import { awkwardChangeEvent } from '../../support/change-event-fixture.js';
import { ChangeEventSerdeError, changeEventSerde } from '../../../src/cdc/change-event-serde.js';
import type { ResequencerEntry } from '../../../src/cdc/resequencer/resequencer-types.js';
import { resequencerEntrySerde, shardStateSerde } from '../../../src/cdc/serde/cdc-serdes.js';
import { taggedJsonSerde } from '../../../src/cdc/serde/tagged-json.js';
import { stringSerde } from '../../../src/serde/string-serde.js';

const context = { topic: 'sale-orders-resequence-held' };

const event: ChangeEvent = awkwardChangeEvent();


const serde = resequencerEntrySerde(stringSerde, changeEventSerde);

describe('shardStateSerde', () => {
  it('round-trips a shard row and rejects bytes that are not one, naming the store', () => {
    const row = { kind: 'shard' as const, serverId: '102', releasedThrough: '9007199254740993', earlyThrough: '01000331303200' };
    expect(shardStateSerde.deserialize(shardStateSerde.serialize(row, context), context)).toEqual(row);
    expect(() => shardStateSerde.deserialize(Buffer.from('{"kind":"held"}'), { topic: 'app-resequence-shards' })).toThrow(/app-resequence-shards/);
  });
});

describe('resequencerEntrySerde', () => {
  it('round-trips a held event with its key, timestamp and string and byte headers', () => {
    const held: ResequencerEntry<string, ChangeEvent> = { kind: 'held', key: 'order-1', value: event, timestamp: 1_700_000_000_123, headers: { a: Buffer.from('x'), b: 'y' } };
    expect(serde.deserialize(serde.serialize(held, context), context)).toEqual(held);
  });

  it('round-trips a held event with the input offset it was read at', () => {
    const held: ResequencerEntry<string, ChangeEvent> = { kind: 'held', key: 'order-1', value: event, timestamp: 7, headers: {}, offset: 123_456_789 };
    const bytes = serde.serialize(held, context);
    expect(bytes[0]).toBe(0x03);
    expect(serde.deserialize(bytes, context)).toEqual(held);
    expect(() => serde.deserialize(bytes.subarray(0, 12), context)).toThrow(/sale-orders-resequence-held/);
  });

  it('reads a held event written without an offset (format 0x01) as one without', () => {
    const held: ResequencerEntry<string, ChangeEvent> = { kind: 'held', key: 'order-1', value: event, timestamp: 7, headers: {} };
    const bytes = serde.serialize(held, context);
    expect(bytes[0]).toBe(0x01);
    const read = serde.deserialize(bytes, context);
    expect(read).toEqual(held);
    expect(read.kind === 'held' && 'offset' in read).toBe(false);
  });

  it('round-trips a held event without headers and with a null key', () => {
    const held = { kind: 'held' as const, key: null as unknown as string, value: event, timestamp: 5, headers: {} };
    expect(serde.deserialize(serde.serialize(held, context), context)).toEqual(held);
  });

  it('round-trips a shard row, with and without an early-release position', () => {
    const rows: ResequencerEntry<string, ChangeEvent>[] = [
      { kind: 'shard', serverId: '101', releasedThrough: '-1', earlyThrough: undefined },
      { kind: 'shard', serverId: '102', releasedThrough: '9007199254740993', earlyThrough: '01000331303200' },
    ];
    for (const row of rows) expect(serde.deserialize(serde.serialize(row, context), context)).toEqual(row);
  });

  it('still reads entries written as tagged JSON by earlier versions (an old state dir or changelog)', () => {
    const held: ResequencerEntry<string, ChangeEvent> = { kind: 'held', key: 'order-1', value: event, timestamp: 5, headers: { b: 'y' } };
    const old = taggedJsonSerde<ResequencerEntry<string, ChangeEvent>>('old').serialize(held, context);
    expect(serde.deserialize(old, context)).toEqual(held);
  });

  it('rejects an unknown format byte and a truncated value with errors naming the store', () => {
    expect(() => serde.deserialize(Buffer.from([0x09, 1, 2]), context)).toThrow(ChangeEventSerdeError);
    expect(() => serde.deserialize(Buffer.from([0x09, 1, 2]), context)).toThrow(/sale-orders-resequence-held/);
    const whole = serde.serialize({ kind: 'held', key: 'order-1', value: event, timestamp: 5, headers: {} }, context);
    expect(() => serde.deserialize(whole.subarray(0, 10), context)).toThrow(/sale-orders-resequence-held/);
  });
});
