/**
 * The smallest key greater than every key starting with `prefix`: the exclusive `to` of a range scan
 * equivalent to a prefix scan. `undefined` when no such key exists (the prefix is all 0xFF bytes).
 */
export function prefixUpperBound(prefix: Buffer): Buffer | undefined {
  for (let i = prefix.length - 1; i >= 0; i -= 1) {
    const byte = prefix.readUInt8(i);
    if (byte !== 0xff) {
      const out = Buffer.from(prefix.subarray(0, i + 1));
      out.writeUInt8(byte + 1, i);
      return out;
    }
  }
  return undefined;
}
