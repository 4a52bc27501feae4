import { CdcStreamsError } from '../common/errors.js';

/**
 * Names of the metadata entries a bytes store keeps beside its data. They are written in the same
 * atomic batch as the data they describe and never appear in scans.
 */

/** The next changelog offset to read: every changelog record below it is reflected in the store. */
export const CHANGELOG_OFFSET_KEY = 'changelog-offset';

/** Metadata for `BytesStore.write`/`CachingKeyValueStore.flush` recording the changelog position. */
export function changelogOffsetMetadata(nextOffset: string): ReadonlyMap<string, Buffer> {
  assertOffset(nextOffset);
  return new Map([[CHANGELOG_OFFSET_KEY, Buffer.from(nextOffset, 'utf8')]]);
}

/** Decodes what `changelogOffsetMetadata` wrote; `undefined` when the store has never checkpointed. */
export function decodeChangelogOffset(store: string, value: Buffer | undefined): string | undefined {
  if (value === undefined) return undefined;
  const offset = value.toString('utf8');
  if (!DECIMAL.test(offset)) {
    throw new CdcStreamsError(`store '${store}': metadata '${CHANGELOG_OFFSET_KEY}' holds '${offset}', not a decimal offset`, {
      code: 'STORE_METADATA_CORRUPT',
    });
  }
  return offset;
}

// Kafka offsets are 64-bit and travel as decimal strings (kafkajs), never as JS numbers.
const DECIMAL = /^(0|[1-9][0-9]*)$/;

function assertOffset(offset: string): void {
  if (!DECIMAL.test(offset)) {
    throw new CdcStreamsError(`changelog offset '${offset}' is not a non-negative decimal integer`, { code: 'STORE_BAD_OFFSET' });
  }
}
