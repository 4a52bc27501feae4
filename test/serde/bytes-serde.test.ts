import { describe, expect, it } from 'vitest';
import { bytesSerde } from '../../src/serde/bytes-serde.js';

describe('bytesSerde', () => {
  it('passes bytes through unchanged both ways', () => {
    const data = Buffer.from([0, 255, 1, 2]);
    expect(bytesSerde.serialize(data, { topic: 't' })).toEqual(Buffer.from([0, 255, 1, 2]));
    expect(bytesSerde.deserialize(data, { topic: 't' })).toEqual(Buffer.from([0, 255, 1, 2]));
  });
});
