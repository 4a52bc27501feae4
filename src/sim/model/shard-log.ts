import type { ShardIdentity } from './binlog.js';

/** Rough binlog event sizes, so positions advance like a real binlog's byte offsets. */
const BEGIN_BYTES = 124n;
const ROWS_EVENT_OVERHEAD_BYTES = 96n;
const COMMIT_BYTES = 31n;
const ROLLBACK_BYTES = 72n;
/** A new binlog file starts after its 4-byte magic header. */
const FIRST_POSITION = 4n;

/** One shard's binlog cursor: GTID sequence, file and position, with rotation between transactions. */
export class ShardLog {
  readonly identity: ShardIdentity;
  private nextSequence = 1n;
  private fileNumber = 1;
  private position = FIRST_POSITION;
  private nextXid = 1000n;
  private lastCommitted: bigint = 0n;

  constructor(
    identity: ShardIdentity,
    private readonly binlogFileBytes: number,
  ) {
    this.identity = identity;
  }

  get fileName(): string {
    return `mysql-bin.${String(this.fileNumber).padStart(6, '0')}`;
  }

  get currentPosition(): bigint {
    return this.position;
  }

  get lastCommittedGtid(): string {
    return `${this.identity.uuid}:${this.lastCommitted}`;
  }

  /** Every transaction, committed or rolled back, takes the next GTID sequence number. */
  begin(): { gtidSequence: bigint; gtid: string; transactionId: string; fileName: string; beginPosition: bigint } {
    const gtidSequence = this.nextSequence++;
    const beginPosition = this.position;
    this.position += BEGIN_BYTES;
    return {
      gtidSequence,
      gtid: `${this.identity.uuid}:${gtidSequence}`,
      transactionId: String(this.nextXid++),
      fileName: this.fileName,
      beginPosition,
    };
  }

  /** Appends a rows event of roughly `payloadBytes`; returns its position. */
  appendRows(payloadBytes: number): bigint {
    const at = this.position;
    this.position += ROWS_EVENT_OVERHEAD_BYTES + BigInt(payloadBytes);
    return at;
  }

  /** Writes the COMMIT or ROLLBACK event; returns its position and rotates the file if it is full. */
  end(gtidSequence: bigint, outcome: 'commit' | 'rollback'): bigint {
    const at = this.position;
    this.position += outcome === 'commit' ? COMMIT_BYTES : ROLLBACK_BYTES;
    if (outcome === 'commit') this.lastCommitted = gtidSequence;
    if (this.position >= BigInt(this.binlogFileBytes)) {
      this.fileNumber++;
      this.position = FIRST_POSITION;
    }
    return at;
  }
}
