/** A key and a value, as returned by `map` and `flatMap` functions. */
export interface KeyValuePair<K, V> {
  readonly key: K;
  readonly value: V;
}

export function pair<K, V>(key: K, value: V): KeyValuePair<K, V> {
  return { key, value };
}
