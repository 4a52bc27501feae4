import { describe, expect, it } from 'vitest';
import type { ChangeEvent } from '../../../src/cdc/change-event.js';
import { awkwardChangeEvent } from '../../support/change-event-fixture.js';
import { changeEventSerde } from '../../../src/cdc/change-event-serde.js';
import { resequencerEntrySerde } from '../../../src/cdc/serde/cdc-serdes.js';
import { fromTaggedJson, toTaggedJson } from '../../../src/cdc/serde/tagged-json.js';
import { stringSerde } from '../../../src/serde/string-serde.js';
import { InvalidJsonError } from '../../../src/serde/serde-errors.js';

const context = { topic: 'app-resequence-repartition' };

const event: ChangeEvent = awkwardChangeEvent();

describe('tagged JSON', () => {
  it('round-trips a ChangeEvent with bigint, bytes and user JSON that looks like a tag', () => {
    const back = changeEventSerde.deserialize(changeEventSerde.serialize(event, context), context);
    const { transactionId: _dropped, ...sourceWithoutUndefined } = event.source;
    expect(back).toEqual({ ...event, source: sourceWithoutUndefined });
    expect(back.before?.['remark']).toEqual({ $cdc: 'user data', list: [1, null] });
    expect(back.source.transactionId).toBeUndefined();
  });

  it('reads a JSON key named __proto__ back as a field, never as the prototype', () => {
    const value = JSON.parse('{"__proto__": {"polluted": true}, "n": 1n}'.replace('1n', '1')) as Record<string, unknown>;
    const back = fromTaggedJson(toTaggedJson(value) as never) as Record<string, unknown>;
    expect(Object.keys(back)).toEqual(['__proto__', 'n']);
    expect(Object.getPrototypeOf(back)).toBe(Object.prototype);
    expect((back as { polluted?: unknown }).polluted).toBeUndefined();
    expect(Object.getOwnPropertyDescriptor(back, '__proto__')?.value).toEqual({ polluted: true });
  });

  it('writes the tags it documents', () => {
    expect(toTaggedJson([1n, Buffer.from('hi'), undefined, { $cdc: 1 }])).toEqual([
      { $cdc: 'bigint', v: '1' },
      { $cdc: 'bytes', v: 'aGk=' },
      { $cdc: 'undefined' },
      { $cdc: 'object', v: { $cdc: 1 } },
    ]);
    expect(fromTaggedJson([{ $cdc: 'undefined' }])).toEqual([undefined]);
  });

  it('rejects bytes that are not its JSON with an error naming the topic', () => {
    expect(() => resequencerEntrySerde(stringSerde, changeEventSerde).deserialize(Buffer.from('{"$cdc":"nonsense"}'), context)).toThrow(InvalidJsonError);
    expect(() => changeEventSerde.deserialize(Buffer.from('{"$cdc":"nonsense"}'), context)).toThrow('app-resequence-repartition');
  });
});
