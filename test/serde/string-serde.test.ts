import { describe, expect, it } from 'vitest';
import { stringSerde } from '../../src/serde/string-serde.js';

const at = { topic: 't' };

describe('stringSerde', () => {
  it('round-trips text including non-ASCII and NUL as UTF-8', () => {
    for (const text of ['', 'order-1', '秒杀 ✓', 'a\u0000b']) {
      expect(stringSerde.deserialize(stringSerde.serialize(text, at), at)).toBe(text);
    }
    expect(stringSerde.serialize('é', at)).toEqual(Buffer.from([0xc3, 0xa9]));
  });
});
