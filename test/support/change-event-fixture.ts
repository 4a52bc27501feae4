import type { ChangeEvent } from '../../src/cdc/change-event.js';

/**
 * A ChangeEvent with what plain JSON loses: a UINT64 key at its maximum, bytes, a JSON column that
 * itself has a `$cdc` key, and an absent optional field. `row` is the `after` image itself, as the
 * decoders build it.
 */
export function awkwardChangeEvent(): ChangeEvent {
  const after = { order_id: 18446744073709551615n, amount: '12.50', status: 'PAID' };
  return {
    schema: 'sale',
    table: 'orders',
    op: 'update',
    before: { order_id: 18446744073709551615n, remark: { $cdc: 'user data', list: [1, null] }, blob: Buffer.from([0, 255]) },
    after,
    row: after,
    keyColumns: ['order_id'],
    source: {
      serverId: '101',
      gtid: 'uuid:42',
      gtidSequence: 42n,
      fileName: 'binlog.000007',
      position: 1234n,
      rowIndex: 0,
      timestamp: 1_700_000_000_000,
      transactionId: undefined,
      indexInTransaction: 3,
      partition: 2,
      offset: '99',
    },
  };
}
