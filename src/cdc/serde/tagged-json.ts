import type { Serde, SerdeContext } from '../../serde/serde.js';
import { InvalidJsonError, JsonNotSerializableError } from '../../serde/serde-errors.js';

/**
 * JSON that keeps what ChangeEvents hold and plain JSON loses: bigint (INT64/UINT64 columns, GTID
 * sequences, positions), Buffer (BYTES columns, headers) and `undefined` inside arrays. Such values
 * become `{"$cdc":"bigint","v":"…"}`, `{"$cdc":"bytes","v":"<base64>"}`, `{"$cdc":"undefined"}`;
 * a plain object that itself has a `$cdc` key is wrapped as `{"$cdc":"object","v":{…}}`, so user JSON
 * (a JSON column) can never be mistaken for a tag. Object properties that are `undefined` are
 * dropped, as JSON.stringify does, and read back as absent — the same for optional fields.
 */
const TAG = '$cdc';

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

export function toTaggedJson(value: unknown): Json {
  if (value === null || typeof value === 'boolean' || typeof value === 'string') return value;
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) throw new TypeError(`${value} has no JSON form`);
    return value;
  }
  if (typeof value === 'bigint') return { [TAG]: 'bigint', v: value.toString() };
  if (value === undefined) return { [TAG]: 'undefined' };
  if (value instanceof Uint8Array) return { [TAG]: 'bytes', v: Buffer.from(value.buffer, value.byteOffset, value.byteLength).toString('base64') };
  if (Array.isArray(value)) return value.map((item: unknown) => toTaggedJson(item));
  if (typeof value === 'object') {
    const out: { [key: string]: Json } = {};
    const record = value as Record<string, unknown>;
    for (const key in record) {
      if (!Object.prototype.hasOwnProperty.call(record, key)) continue;
      const item = record[key];
      if (item === undefined) continue;
      if (key === '__proto__') defineField(out, key, toTaggedJson(item));
      else out[key] = toTaggedJson(item);
    }
    return Object.prototype.hasOwnProperty.call(out, TAG) ? { [TAG]: 'object', v: out } : out;
  }
  throw new TypeError(`a ${typeof value} has no JSON form`);
}

export function fromTaggedJson(json: Json): unknown {
  if (json === null || typeof json !== 'object') return json;
  if (Array.isArray(json)) return json.map(fromTaggedJson);
  const tag = json[TAG];
  if (tag === undefined) return plainObject(json);
  const v = json['v'];
  switch (tag) {
    case 'bigint':
      if (typeof v === 'string') return BigInt(v);
      break;
    case 'bytes':
      if (typeof v === 'string') return Buffer.from(v, 'base64');
      break;
    case 'undefined':
      return undefined;
    case 'object':
      if (typeof v === 'object' && v !== null && !Array.isArray(v)) return plainObject(v);
      break;
  }
  throw new TypeError(`unknown or malformed ${TAG} tag ${JSON.stringify(tag)}`);
}

function plainObject(json: { [key: string]: Json }): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  // JSON.parse makes own properties only; plain assignment is the fast path (this runs for every
  // field of every held event), and only a key literally named __proto__ needs defineProperty so it
  // becomes a field instead of replacing the prototype.
  for (const key in json) {
    const item = fromTaggedJson(json[key]!);
    if (key === '__proto__') defineField(out, key, item);
    else out[key] = item;
  }
  return out;
}

function defineField(target: object, key: string, value: unknown): void {
  Object.defineProperty(target, key, { value, enumerable: true, writable: true, configurable: true });
}

const utf8 = new TextDecoder('utf-8', { fatal: true });

/**
 * A Serde for values built of JSON, bigint and bytes (ChangeEvents, held resequencer entries). `T` is
 * trusted, not validated: use it for data cdc-streams wrote itself (repartition topics, stores).
 */
export function taggedJsonSerde<T>(name: string): Serde<T> {
  return {
    name,
    serialize(value: T, context: SerdeContext): Buffer {
      try {
        return Buffer.from(JSON.stringify(toTaggedJson(value)), 'utf8');
      } catch (error) {
        throw new JsonNotSerializableError(context, error instanceof Error ? error.message : String(error), error);
      }
    },
    deserialize(data: Buffer, context: SerdeContext): T {
      try {
        // Our own writes only (see above): the shape is T by construction.
        return fromTaggedJson(JSON.parse(utf8.decode(data)) as Json) as T;
      } catch (error) {
        throw new InvalidJsonError(context, error);
      }
    },
  };
}
