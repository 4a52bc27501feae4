import type { Serde } from './serde.js';

/**
 * UTF-8 strings. Fine for get/put keys; byte order equals code-point order, but a string key used as
 * the leading part of a composite key needs `stringKeySerde` (keys/) so that prefixes stay prefixes.
 */
export const stringSerde: Serde<string> = {
  name: 'string',
  serialize: (value) => Buffer.from(value, 'utf8'),
  deserialize: (data) => data.toString('utf8'),
};
