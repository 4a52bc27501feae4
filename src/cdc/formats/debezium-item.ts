import { CdcStreamsError } from '../../common/errors.js';
import type { Serde, SerdeContext } from '../../serde/serde.js';
import type { ChangeEvent } from '../change-event.js';
import { changeEventSerde } from '../change-event-serde.js';
import type { DebeziumTransactionBlock, DebeziumTransactionMarker } from '../debezium/debezium-model.js';

/**
 * What the Debezium source step hands the transaction step, through a one-partition internal topic:
 * every record of the table topics that counts in a transaction, every transaction-metadata event and
 * every heartbeat, in the order each input partition had them.
 */
export type DebeziumItem =
  | { readonly kind: 'change'; readonly event: ChangeEvent; readonly dataCollection: string; readonly transaction: DebeziumTransactionBlock | undefined }
  /** A truncate or logical message, or a record that was dead-lettered: no row, but it counts in its transaction. */
  | { readonly kind: 'counted'; readonly dataCollection: string; readonly transaction: DebeziumTransactionBlock }
  | { readonly kind: 'marker'; readonly shard: string; readonly marker: DebeziumTransactionMarker }
  | { readonly kind: 'heartbeat'; readonly shard: string; readonly timestamp: number };

export class DebeziumItemSerdeError extends CdcStreamsError {
  constructor(message: string, cause?: unknown) {
    super(message, { code: 'DEBEZIUM_ITEM_SERDE', cause });
  }
}

const CHANGE = 0x45; // 'E': u32 meta length, meta JSON, then the change event in changeEventSerde's format
const OTHER = 0x4a; // 'J': the item as JSON

/** A change item is a tag, its transaction metadata as JSON and the event in the change-event serde's form. */
export const debeziumItemSerde: Serde<DebeziumItem> = {
  name: 'debezium-item',
  serialize(item: DebeziumItem, context: SerdeContext): Buffer {
    if (item.kind === 'change') {
      const meta = Buffer.from(JSON.stringify({ c: item.dataCollection, t: item.transaction ?? null }), 'utf8');
      const head = Buffer.alloc(5);
      head[0] = CHANGE;
      head.writeUInt32BE(meta.length, 1);
      return Buffer.concat([head, meta, changeEventSerde.serialize(item.event, context)]);
    }
    return Buffer.concat([Buffer.from([OTHER]), Buffer.from(JSON.stringify(item), 'utf8')]);
  },
  deserialize(data: Buffer, context: SerdeContext): DebeziumItem {
    try {
      if (data[0] === CHANGE) {
        const length = data.readUInt32BE(1);
        const meta = JSON.parse(data.subarray(5, 5 + length).toString('utf8')) as { c: string; t: DebeziumTransactionBlock | null };
        const event = changeEventSerde.deserialize(data.subarray(5 + length), context);
        return { kind: 'change', event, dataCollection: meta.c, transaction: meta.t ?? undefined };
      }
      if (data[0] === OTHER) return JSON.parse(data.subarray(1).toString('utf8')) as DebeziumItem;
    } catch (error) {
      throw new DebeziumItemSerdeError(`cannot read a Debezium item: ${error instanceof Error ? error.message : String(error)}`, error);
    }
    throw new DebeziumItemSerdeError(`cannot read a Debezium item: unknown tag ${String(data[0])}`);
  },
};
