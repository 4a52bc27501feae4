import type { BytesWrite } from '../../state/bytes-store.js';
import type { KeyValueStore } from '../../state/key-value-store.js';

/** What the task engine needs from a store beyond the processor-facing interface. */
export interface ManagedStore extends KeyValueStore<unknown, unknown> {
  /** Writes buffered since the last flush, last write per key: what the changelog must receive. */
  pendingWrites(): readonly BytesWrite[];
  /** Whether anything was written since the last flush (without building `pendingWrites`). */
  hasPendingWrites(): boolean;
  /** Writes the buffer plus `metadata` as one atomic batch and empties the buffer. */
  flush(metadata?: ReadonlyMap<string, Buffer>): Promise<void>;
  /** True when the buffer is over its limit and the task should commit early. */
  needsFlush(): boolean;
  /** The next changelog offset to read on restore, or undefined if the store never checkpointed. */
  changelogOffset(): Promise<string | undefined>;
  /** Applies changelog records straight to disk with the next offset to read (and `metadata`), as one batch. */
  restore(records: readonly BytesWrite[], nextOffset: string, metadata?: ReadonlyMap<string, Buffer>): Promise<void>;
  /** A metadata entry the store keeps beside its data (written by `flush`/`restore`). */
  metadata(name: string): Promise<Buffer | undefined>;
  close(): Promise<void>;
  /** Bytes the store takes, an estimate (for operators). */
  approximateSizeBytes(): Promise<number>;
}
