import { HEADER_PREFIX } from '../../common/constants.js';
import type { StreamRecord } from '../../processor/stream-record.js';

/**
 * Header set to 'true' on an event the resequencer released out of order under `emit-and-flag`
 * (docs/design.md 3.3): released early for a stalled shard, or an original that turned out to belong
 * before events already released. Output formats map it to their `late` field.
 */
export const LATE_HEADER = `${HEADER_PREFIX}late`;

export function isLateRecord(record: StreamRecord<unknown, unknown>): boolean {
  return record.headers[LATE_HEADER] === 'true';
}
