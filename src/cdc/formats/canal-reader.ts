import type { RecordCoordinates } from '../../common/errors.js';
import { decodeCanalMessage, type CanalOptions } from '../canal/canal-decode.js';
import { CanalDecodeError } from '../canal/canal-errors.js';
import type { ChangeEvent } from '../change-event.js';
import type { RawMessage } from '../processors/dead-letter.js';
import type { ShardProgress } from '../watermarks/shard-progress.js';
import type { PartitionReader, ReadResult } from './partition-reader.js';

/** The highest sequence a shard can have: what a partition reports for the shards of the others. */
const ALL = (1n << 64n) - 1n;

/**
 * The Canal flat-message format. A flat message carries no binlog position, only its partition's
 * order, so each input partition is its own shard (`<topic>#<partition>`, ordered by offset; see
 * decodeCanalMessage). This partition's progress is its own shard passed through the message, at its
 * `es`; for the shard of every other partition it reports "everything passed": that shard's rows can
 * only come from its own partition. So the resequencer releases each partition's rows as that
 * partition is read, and orders a key's rows only when they share a partition.
 */
export class CanalReader implements PartitionReader<ChangeEvent> {
  private readonly counters = { undecodableMessages: 0, ddlMessages: 0 };

  constructor(
    private readonly partitionCount: () => number,
    private readonly options: CanalOptions = {},
  ) {}

  read(raw: RawMessage, at: RecordCoordinates): ReadResult<ChangeEvent> {
    let message;
    try {
      message = decodeCanalMessage(raw.value, at, this.options);
    } catch (error) {
      if (!(error instanceof CanalDecodeError)) throw error;
      this.counters.undecodableMessages++;
      return { items: [], progress: [], rejected: [{ raw, offset: at.offset, error }] };
    }
    if (message.kind === 'ddl') this.counters.ddlMessages++;
    const timestamp = message.kind === 'ddl' ? message.timestamp : (message.events[0]?.source.timestamp ?? 0);
    return { items: message.kind === 'dml' ? message.events : [], progress: this.progress(at, timestamp), rejected: [] };
  }

  heldOffset(): undefined {
    return undefined;
  }

  metrics(): Readonly<Record<string, number>> {
    return { ...this.counters };
  }

  private progress(at: RecordCoordinates, timestamp: number): ShardProgress[] {
    const progress: ShardProgress[] = [{ serverId: `${at.topic}#${at.partition}`, gtidSequence: BigInt(at.offset), timestamp }];
    const count = Math.max(this.partitionCount(), at.partition + 1);
    for (let p = 0; p < count; p++) {
      if (p !== at.partition) progress.push({ serverId: `${at.topic}#${p}`, gtidSequence: ALL, timestamp: Number.MAX_SAFE_INTEGER });
    }
    return progress;
  }
}
