import type { ProcessorContext } from '../processor/processor-context.js';
import { bytesSerde } from '../serde/bytes-serde.js';
import type { Serde } from '../serde/serde.js';
import type { KeyValueStore } from '../state/key-value-store.js';
import { SegmentedWindowStore, validateWindowStoreOptions } from '../state/segmented-window-store.js';
import type { WindowStore } from '../state/window-store.js';
import type { StoreKind, StoreLayout } from '../topology/store-definition.js';
import type { StoreOptions } from '../topology/topology-builder.js';

export interface WindowStoreSpecOptions<K, V> {
  /** Store name; also names the changelog topic `<applicationId>-<name>-changelog`. */
  readonly name: string;
  readonly keySerde: Serde<K>;
  readonly valueSerde: Serde<V>;
  readonly windowSizeMs: number;
  /** How long, in stream time, a window is kept after its start; at least the window size. */
  readonly retentionMs: number;
  readonly segmentIntervalMs?: number;
  /** What moves the store's stream time: the window starts written (default) or the operator (see `WindowStoreOptions`). */
  readonly streamTime?: 'writes' | 'advanced';
  readonly kind?: StoreKind;
  readonly changelog?: boolean;
}

/**
 * A window store for the Processor API (the DSL's windowed aggregations use the same): declare it with
 * `StreamsBuilder.addWindowStore(spec)`, name it in `process(..., { stores: [spec.name] })`, and open it
 * in the processor's `init` with `await spec.open(context)`.
 */
export interface WindowStoreSpec<K, V> {
  readonly name: string;
  readonly options: WindowStoreSpecOptions<K, V>;
  /** The store's definition for the topology: bytes serdes, with the window layout. */
  readonly storeOptions: StoreOptions<Buffer, Buffer>;
  /** The processor's typed view of the store, its stream time read (call once, in `init`). */
  open(context: ProcessorContext<unknown, unknown>): Promise<WindowStore<K, V>>;
  /** The same view over the store's bytes key-value store. */
  view(store: KeyValueStore<Buffer, Buffer>): Promise<SegmentedWindowStore<K, V>>;
}

export function windowStoreSpec<K, V>(options: WindowStoreSpecOptions<K, V>): WindowStoreSpec<K, V> {
  // Checked now, where the topology is written, instead of when the first task starts.
  validateWindowStoreOptions(options.name, options);
  const openOver = (store: KeyValueStore<Buffer, Buffer>): Promise<SegmentedWindowStore<K, V>> =>
    new SegmentedWindowStore<K, V>(store, {
      keySerde: options.keySerde,
      valueSerde: options.valueSerde,
      windowSizeMs: options.windowSizeMs,
      retentionMs: options.retentionMs,
      ...(options.segmentIntervalMs === undefined ? {} : { segmentIntervalMs: options.segmentIntervalMs }),
      ...(options.streamTime === undefined ? {} : { streamTime: options.streamTime }),
    }).init();
  const layout: StoreLayout = {
    type: 'window',
    summary: `window store: size ${options.windowSizeMs} ms, retention ${options.retentionMs} ms, key ${options.keySerde.name}, value ${options.valueSerde.name}`,
    open: openOver,
  };
  return {
    name: options.name,
    options,
    storeOptions: {
      name: options.name,
      keySerde: bytesSerde,
      valueSerde: bytesSerde,
      layout,
      ...(options.kind === undefined ? {} : { kind: options.kind }),
      ...(options.changelog === undefined ? {} : { changelog: options.changelog }),
    },
    open: (context) => openOver(context.getStateStore<Buffer, Buffer>(options.name)),
    view: openOver,
  };
}
