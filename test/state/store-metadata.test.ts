import { describe, expect, it } from 'vitest';
import { CdcStreamsError } from '../../src/common/errors.js';
import { CHANGELOG_OFFSET_KEY, changelogOffsetMetadata, decodeChangelogOffset } from '../../src/state/store-metadata.js';

describe('store metadata', () => {
  it('encodes a 64-bit changelog offset without losing digits', () => {
    const metadata = changelogOffsetMetadata('9223372036854775807');
    expect(decodeChangelogOffset('orders', metadata.get(CHANGELOG_OFFSET_KEY))).toBe('9223372036854775807');
  });

  it('refuses an offset that is not a non-negative decimal integer', () => {
    for (const bad of ['-1', '1.5', '', '01', 'abc']) expect(() => changelogOffsetMetadata(bad)).toThrow(CdcStreamsError);
  });

  it('reports corrupt stored metadata naming the store', () => {
    expect(() => decodeChangelogOffset('orders', Buffer.from('x1'))).toThrow(/store 'orders'.*changelog-offset/);
    expect(decodeChangelogOffset('orders', undefined)).toBeUndefined();
  });
});
