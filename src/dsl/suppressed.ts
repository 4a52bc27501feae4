/**
 * How `KTable.suppress` holds back a table's updates (Kafka Streams' `Suppressed`). Only
 * `untilWindowCloses` exists: one final result per window, emitted once stream time passes the window's
 * end plus grace. The buffer lives in a store of its own (RocksDB by default, changelogged like any
 * store), so it has no size bound and survives restarts; Kafka Streams' in-memory buffer limits and
 * early emission have no counterpart here.
 */
export interface Suppressed {
  readonly kind: 'until-window-closes';
  /** Name of the suppression node and (with `-store`) of its buffer store. */
  readonly name?: string;
}

export const Suppressed = {
  untilWindowCloses(options: { readonly name?: string } = {}): Suppressed {
    return { kind: 'until-window-closes', ...(options.name === undefined ? {} : { name: options.name }) };
  },
} as const;
