/**
 * JSON for HTTP answers that also carries what store values hold and `JSON.stringify` cannot:
 * bigint as a decimal string (exact, unlike a number), bytes as base64, Map as an object, Set as an
 * array. A cycle still throws, which the server answers with 500.
 */
export function toJson(value: unknown): string {
  return JSON.stringify(value, function replace(this: unknown, key: string, current: unknown): unknown {
    // Buffer has toJSON, so `current` is already `{type:'Buffer',data:[...]}`; the holder has the original.
    const original = (this as Record<string, unknown>)[key];
    if (original instanceof Uint8Array) return Buffer.from(original.buffer, original.byteOffset, original.byteLength).toString('base64');
    if (typeof current === 'bigint') return current.toString();
    if (current instanceof Map) return Object.fromEntries([...current].map(([k, v]: [unknown, unknown]) => [String(k), v]));
    if (current instanceof Set) return [...current];
    return current;
  });
}
