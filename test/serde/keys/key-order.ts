import { expect } from 'vitest';
import type { Serde } from '../../../src/serde/serde.js';

const at = { topic: 'store-changelog' };

/** Asserts byte order of the encodings equals `compare` order of the values, and that each round-trips. */
export function expectOrderPreserved<T>(serde: Serde<T>, values: readonly T[], compare: (a: T, b: T) => number): void {
  const byValue = [...values].sort(compare);
  const encoded = values.map((value) => ({ value, bytes: serde.serialize(value, at) }));
  const byBytes = encoded.sort((a, b) => Buffer.compare(a.bytes, b.bytes)).map((e) => e.value);
  expect(byBytes).toEqual(byValue);
  for (const { value, bytes } of encoded) expect(serde.deserialize(bytes, at)).toEqual(value);
}

export function compareCodePoints(a: string, b: string): number {
  const x = Array.from(a, (c) => c.codePointAt(0) ?? 0);
  const y = Array.from(b, (c) => c.codePointAt(0) ?? 0);
  for (let i = 0; i < Math.min(x.length, y.length); i += 1) {
    const d = (x[i] ?? 0) - (y[i] ?? 0);
    if (d !== 0) return d;
  }
  return x.length - y.length;
}
