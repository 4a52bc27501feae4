import { describe, expect, it } from 'vitest';
import { toJson } from '../../src/ops/json-body.js';

describe('toJson', () => {
  it('writes bigint as a decimal string, exact beyond 2^53', () => {
    expect(toJson({ n: 2n ** 64n + 1n })).toBe('{"n":"18446744073709551617"}');
  });

  it('writes a Buffer, a Uint8Array and a Buffer slice as base64 of their own bytes', () => {
    const pooled = Buffer.from('xxhello');
    expect(toJson([Buffer.from('hello'), new Uint8Array([255, 0]), pooled.subarray(2)])).toBe('["aGVsbG8=","/wA=","aGVsbG8="]');
  });

  it('writes a bare bigint or Buffer at the top level', () => {
    expect(toJson(5n)).toBe('"5"');
    expect(toJson(Buffer.from([1]))).toBe('"AQ=="');
  });

  it('writes a Map as an object and a Set as an array, converting what they hold', () => {
    expect(toJson(new Map<unknown, unknown>([[1, 2n], ['k', new Set([Buffer.from('a')])]]))).toBe('{"1":"2","k":["YQ=="]}');
  });

  it('throws on a cycle rather than writing something partial', () => {
    const cyclic: Record<string, unknown> = {};
    cyclic['self'] = cyclic;
    expect(() => toJson(cyclic)).toThrow(TypeError);
  });
});
