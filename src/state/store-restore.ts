import type { BytesStore, BytesWrite } from './bytes-store.js';
import { CHANGELOG_OFFSET_KEY, changelogOffsetMetadata, decodeChangelogOffset } from './store-metadata.js';

/**
 * Applies one batch of changelog records (`value: null` = tombstone) and the offset to resume from
 * in a single atomic write, so a crash mid-restore leaves the store at a batch boundary that its
 * recorded offset describes exactly.
 */
export async function applyChangelogBatch(
  store: BytesStore,
  records: readonly BytesWrite[],
  nextOffset: string,
  metadata?: ReadonlyMap<string, Buffer>,
): Promise<void> {
  const offset = changelogOffsetMetadata(nextOffset);
  await store.write(records, metadata === undefined ? offset : new Map([...metadata, ...offset]));
}

/** Where restoring should resume: the offset after the last applied record, or `undefined` (from the start). */
export async function readChangelogOffset(store: BytesStore): Promise<string | undefined> {
  return decodeChangelogOffset(store.name, await store.getMetadata(CHANGELOG_OFFSET_KEY));
}
