import type { Serde } from '../serde/serde.js';

/**
 * Keys and values that are already bytes (timers, stores whose callers encode their own keys for
 * ordering). No copy: the store never mutates the buffers it is given, and callers must not either.
 */
export const rawBytesSerde: Serde<Buffer> = {
  name: 'raw-bytes',
  serialize: (value) => value,
  deserialize: (data) => data,
};
