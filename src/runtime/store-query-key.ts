import { CdcStreamsError } from '../common/errors.js';
import type { Serde } from '../serde/serde.js';
import type { SubTopology } from '../topology/sub-topology.js';
import { physicalTopicName } from '../topology/topic-ref.js';
import type { Topology } from '../topology/topology.js';
import { partitionForKey } from './task/murmur2-partitioner.js';

/** The error code of a query key that cannot be a key of the store asked; the ops server answers 400. */
export const BAD_STORE_KEY_CODE = 'BAD_STORE_KEY';

export class StoreKeyError extends CdcStreamsError {
  constructor(store: string, serde: Serde<unknown>, text: string, problem: string, cause?: unknown) {
    super(`'${text}' is not a key of store '${store}' (${serde.name} keys): ${problem}`, { code: BAD_STORE_KEY_CODE, cause });
  }
}

const HEX = /^(?:0x)?((?:[0-9a-fA-F]{2})*)$/;
const INTEGER = /^-?\d+$/;

/**
 * An interactive query names its key as text (a URL path segment); this turns the text into the
 * store's key type, as its key serde names it: `bytes` keys in hex (`0a1b`, `0x0a1b`), `int32-key`,
 * `int64-key` and `float64-key` as numbers, a `tuple(...)` as a JSON array of its parts, `json` as
 * JSON (or else the text). Anything else takes the text as it is. Returns the key and its bytes.
 */
export function storeKeyFromText(store: string, serde: Serde<unknown>, text: string): { key: unknown; bytes: Buffer } {
  const key = typedKey(store, serde, text);
  try {
    return { key, bytes: serde.serialize(key, { topic: store }) };
  } catch (error) {
    if (error instanceof CdcStreamsError && error.retriable) throw error;
    throw new StoreKeyError(store, serde, text, error instanceof Error ? error.message : String(error), error);
  }
}

function typedKey(store: string, serde: Serde<unknown>, text: string): unknown {
  const name = serde.name;
  if (name === 'bytes') {
    const hex = HEX.exec(text)?.[1];
    if (hex === undefined) throw new StoreKeyError(store, serde, text, `give the key's bytes in hex, e.g. /stores/${store}/0a1b2c`);
    return Buffer.from(hex, 'hex');
  }
  if (name.startsWith('tuple(') && name.endsWith(')')) {
    const parts = name.slice('tuple('.length, -1).split(', ');
    let values: unknown;
    try {
      values = JSON.parse(text);
    } catch (error) {
      throw new StoreKeyError(store, serde, text, 'give the key as a JSON array of its parts, e.g. ["a", 42]', error);
    }
    if (!Array.isArray(values)) throw new StoreKeyError(store, serde, text, 'give the key as a JSON array of its parts, e.g. ["a", 42]');
    return values.map((value, i) => scalarPart(store, serde, text, parts[i] ?? '', value));
  }
  if (name === 'json') {
    try {
      return JSON.parse(text) as unknown;
    } catch (error) {
      if (error instanceof SyntaxError) return text;
      throw error;
    }
  }
  return scalarPart(store, serde, text, name, text);
}

function scalarPart(store: string, serde: Serde<unknown>, text: string, part: string, value: unknown): unknown {
  const asText = typeof value === 'string' ? value : JSON.stringify(value);
  switch (part) {
    case 'int64-key':
      if (!INTEGER.test(asText)) throw new StoreKeyError(store, serde, text, `'${asText}' is not an integer`);
      return BigInt(asText);
    case 'int32-key':
    case 'float64-key': {
      const n = Number(asText);
      if (asText.trim() === '' || !Number.isFinite(n)) throw new StoreKeyError(store, serde, text, `'${asText}' is not a number`);
      return n;
    }
    default:
      return value;
  }
}

/**
 * The partition (and so the task) that holds `key` of a store of sub-topology `sub`, found the way the
 * sub-topology's input is partitioned, as Kafka Streams' `queryMetadataForKey` does: when a sink of this
 * topology writes that input with a partitioner of its own, that partitioner decides (given the key and
 * a null value, as Kafka Streams calls a `StreamPartitioner`); otherwise Kafka's default, murmur2 of the
 * key's bytes as the input's key serde writes them — not the store's: a store may keep the same key
 * in another encoding (e.g. `string-key`, ordered for range scans, over an input keyed by `string`).
 */
export function storeKeyPartition(
  topology: Topology,
  applicationId: string,
  sub: SubTopology,
  key: { readonly key: unknown; readonly bytes: Buffer },
  partitions: number,
): number {
  for (const source of sub.sources) {
    for (const node of topology.nodes.values()) {
      if (node.kind !== 'sink' || node.partitioner === undefined) continue;
      if (!source.topics.some((t) => t.name === node.topic.name && t.internal === node.topic.internal)) continue;
      const chosen = node.partitioner(key.key, null, partitions);
      if (chosen !== undefined) return chosen;
    }
  }
  return partitionForKey(inputKeyBytes(applicationId, sub, key), partitions);
}

function inputKeyBytes(applicationId: string, sub: SubTopology, key: { readonly key: unknown; readonly bytes: Buffer }): Buffer {
  const source = sub.sources.find((s) => s.keySerde !== undefined);
  const topic = source?.topics[0];
  if (source?.keySerde === undefined || topic === undefined) return key.bytes;
  try {
    return source.keySerde.serialize(key.key, { topic: physicalTopicName(topic, applicationId) });
  } catch (error) {
    // Not a key of the input at all (a store keyed otherwise, e.g. timers by due time): such a store is
    // not partitioned by its own key, and its bytes are as good a guess as any (docs/operations.md).
    void error;
    return key.bytes;
  }
}
