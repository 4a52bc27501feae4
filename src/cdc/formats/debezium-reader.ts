import { describeCoordinates, type RecordCoordinates } from '../../common/errors.js';
import { UnorderableEventError } from '../cdc-errors.js';
import { decodeDebeziumHeartbeat, decodeDebeziumRecord, decodeDebeziumTransaction } from '../debezium/debezium-decode.js';
import { DebeziumDecodeError } from '../debezium/debezium-errors.js';
import type { DebeziumTransactionBlock } from '../debezium/debezium-model.js';
import type { DebeziumValueOptions } from '../debezium/debezium-values.js';
import { isJsonObject, parseExactJson } from '../exact-json.js';
import type { RawMessage } from '../processors/dead-letter.js';
import type { DebeziumItem } from './debezium-item.js';
import type { PartitionReader, ReadResult } from './partition-reader.js';

export interface DebeziumTopics {
  /** The transaction-metadata topic (`<topic.prefix>.transaction`); it must have one partition. */
  readonly transactionTopic: string;
  /** Debezium's heartbeat topic, when it is read. */
  readonly heartbeatTopic: string | undefined;
  /** The connector's logical name (`topic.prefix`): the shard its transaction events belong to. */
  readonly serverName: string;
}

/**
 * The Debezium source step, for one partition of any of its topics: a table topic's record becomes a
 * change item (a tombstone is skipped), a transaction-metadata record a marker, a heartbeat a heartbeat.
 * Nothing is held and no progress is made here: Debezium announces progress per transaction, on
 * another topic than the rows, so the transaction step after the one-partition internal topic does.
 *
 * A record that does not decode is rejected (dead-lettered); if its transaction block can still be
 * read it is also passed on as counted, so its transaction can complete without it. Snapshot rows are
 * rejected too (UnorderableEventError): they have no binlog position of their own.
 */
export class DebeziumReader implements PartitionReader<DebeziumItem> {
  private readonly counters = { undecodableMessages: 0, tombstones: 0, snapshotRows: 0 };

  constructor(
    private readonly topics: DebeziumTopics,
    private readonly values: DebeziumValueOptions = {},
  ) {}

  read(raw: RawMessage, at: RecordCoordinates): ReadResult<DebeziumItem> {
    try {
      return { items: this.decode(raw, at), progress: [], rejected: [] };
    } catch (error) {
      if (error instanceof UnorderableEventError) {
        this.counters.snapshotRows++;
        return { items: [], progress: [], rejected: [{ raw, offset: at.offset, error }] };
      }
      if (!(error instanceof DebeziumDecodeError)) throw error;
      this.counters.undecodableMessages++;
      const counted = countedOf(raw.value, at);
      return { items: counted === undefined ? [] : [counted], progress: [], rejected: [{ raw, offset: at.offset, error }] };
    }
  }

  heldOffset(): undefined {
    return undefined;
  }

  metrics(): Readonly<Record<string, number>> {
    return { ...this.counters };
  }

  private decode(raw: RawMessage, at: RecordCoordinates): DebeziumItem[] {
    if (at.topic === this.topics.transactionTopic) {
      if (at.partition !== 0) throw new DebeziumDecodeError(`${describeCoordinates(at)}: the transaction topic must have one partition, or transactions lose their order`);
      return [{ kind: 'marker', shard: this.topics.serverName, marker: decodeDebeziumTransaction(raw.value, at) }];
    }
    if (at.topic === this.topics.heartbeatTopic) {
      const heartbeat = decodeDebeziumHeartbeat(raw.key, raw.value, at);
      return [{ kind: 'heartbeat', shard: heartbeat.serverName ?? this.topics.serverName, timestamp: heartbeat.timestamp }];
    }
    const record = decodeDebeziumRecord(raw.key, raw.value, at, this.values);
    switch (record.kind) {
      case 'tombstone':
        this.counters.tombstones++;
        return [];
      case 'other':
        return record.transaction === undefined ? [] : [{ kind: 'counted', dataCollection: record.dataCollection, transaction: record.transaction }];
      case 'change':
        if (record.snapshot) {
          // All rows of a snapshot share one binlog position and row number: the resequencer would take
          // every one after the first for a redelivery. Set aside, visibly, rather than lost downstream.
          throw new UnorderableEventError(
            `${record.dataCollection} snapshot row (op r): snapshot rows share one binlog position, so they cannot be ordered or told apart; run the connector with snapshot.mode=no_data`,
            at,
          );
        }
        return [{ kind: 'change', event: record.event, dataCollection: record.dataCollection, transaction: record.transaction }];
    }
  }
}

/** The transaction block and table of a record that failed to decode, if they can still be read. */
function countedOf(value: Buffer, at: RecordCoordinates): DebeziumItem | undefined {
  let json;
  try {
    json = parseExactJson(value, (reason) => new DebeziumDecodeError(`${describeCoordinates(at)}: ${reason}`));
  } catch (error) {
    if (error instanceof DebeziumDecodeError) return undefined;
    throw error;
  }
  const payload = isJsonObject(json) && isJsonObject(json['payload']) ? json['payload'] : json;
  if (!isJsonObject(payload)) return undefined;
  const source = payload['source'];
  const block = payload['transaction'];
  if (!isJsonObject(source) || !isJsonObject(block)) return undefined;
  const { db, table } = source;
  const { id, total_order: totalOrder, data_collection_order: dataCollectionOrder } = block;
  if (typeof db !== 'string' || typeof table !== 'string' || typeof id !== 'string' || typeof totalOrder !== 'number' || typeof dataCollectionOrder !== 'number') return undefined;
  const transaction: DebeziumTransactionBlock = { id, totalOrder, dataCollectionOrder };
  return { kind: 'counted', dataCollection: `${db}.${table}`, transaction };
}
