/**
 * Key serdes for state stores.
 *
 * A store scans keys in the unsigned byte order of their serialized form, so a range or prefix scan
 * means something only if byte order equals value order.
 *
 * Order-preserving (use these for `range` and `prefixScan`):
 * - `int32KeySerde`   — 4 bytes, big-endian, sign bit flipped.
 * - `int64KeySerde`   — bigint, 8 bytes, big-endian, sign bit flipped.
 * - `float64KeySerde` — 8 bytes, IEEE 754 transformed; NaN rejected, -0 sorts before +0.
 * - `stringKeySerde`  — UTF-8 (code-point order), 0x00 escaped as 0x00 0xFF, terminated by 0x00 0x01.
 * - `tupleSerde(...parts)` — the parts above concatenated; sorts part by part, and all keys sharing
 *   leading values start with `prefix(leading)` (see also `prefixUpperBound`).
 *
 * Not order-preserving for ranges (fine for get/put/delete):
 * - `jsonSerde` — "10" sorts before "9", and key order inside objects is insertion order.
 * - `stringSerde` — plain UTF-8 orders strings correctly on its own, but is not self-delimiting, so
 *   it cannot be a leading part of a composite key, and numbers written as strings sort as text.
 * - `avroSerde` — zig-zag varints do not sort numerically.
 */
export type { KeyPart } from './key-part.js';
export { int32KeySerde } from './int32-key-serde.js';
export { int64KeySerde } from './int64-key-serde.js';
export { float64KeySerde } from './float64-key-serde.js';
export { stringKeySerde } from './string-key-serde.js';
export { tupleSerde } from './tuple-key-serde.js';
export type { TupleKeySerde, LeadingValues } from './tuple-key-serde.js';
export { prefixUpperBound } from './prefix-upper-bound.js';
