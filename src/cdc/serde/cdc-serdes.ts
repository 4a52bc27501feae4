import type { Serde } from '../../serde/serde.js';
import type { ChangeEvent } from '../change-event.js';
import type { ResequencerEntry } from '../resequencer/resequencer-types.js';
import { taggedJsonSerde } from './tagged-json.js';

/**
 * Values of the resequencer's held store: held records (their key, ChangeEvent value, timestamp and
 * headers) and per-shard state rows. Keys of that store are raw bytes (resequencer-keys.ts).
 * Record keys must themselves be JSON, bigint or bytes (a string order id is).
 */
export function resequencerEntrySerde<K, V = ChangeEvent>(): Serde<ResequencerEntry<K, V>> {
  return taggedJsonSerde<ResequencerEntry<K, V>>('cdc-resequencer-entry');
}
