import type { Serde } from './serde.js';

/** Passes bytes through unchanged; the raw form the inner store layers and the dead-letter topic use. */
export const bytesSerde: Serde<Buffer> = {
  name: 'bytes',
  serialize: (value) => value,
  deserialize: (data) => data,
};
