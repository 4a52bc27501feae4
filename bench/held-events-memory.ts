/**
 * Issue 6's memory check: one million change events held by the resequencer (no watermark arrives, so
 * nothing is released) must keep the process's RSS under 300 MB, because held events live in RocksDB,
 * not in JS arrays. Events go through the real Resequencer and the real RocksDB store stack, with the
 * store flushed every 10,000 events as a task's commit would.
 *
 *     npx tsx bench/held-events-memory.ts [count]
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ChangeEvent } from '../src/cdc/change-event.js';
import { Resequencer } from '../src/cdc/resequencer/resequencer.js';
import { resequencerEntrySerde, shardStateSerde } from '../src/cdc/serde/cdc-serdes.js';
import { bytesSerde } from '../src/serde/bytes-serde.js';
import { stringSerde } from '../src/serde/string-serde.js';
import { changeEventSerde } from '../src/cdc/change-event-serde.js';
import { openStore } from '../src/state/store-factory.js';

const count = Number(process.argv[2] ?? 1_000_000);
const dir = await mkdtemp(join(tmpdir(), 'held-events-'));
const held = await openStore({ name: 'held', kind: 'rocksdb', dir: join(dir, 'held'), keySerde: bytesSerde as never, valueSerde: resequencerEntrySerde(stringSerde, changeEventSerde) });
const shardStore = await openStore({ name: 'shards', kind: 'rocksdb', dir: join(dir, 'shards'), keySerde: stringSerde, valueSerde: shardStateSerde });
const resequencer = new Resequencer<string, ChangeEvent>({ held: held as never, shards: shardStore }, { policy: 'wait' }, () => {
  throw new Error('nothing may be released: no watermark was given');
});
await resequencer.init();

let peak = 0;
const sample = () => {
  peak = Math.max(peak, process.memoryUsage().rss);
};
const sampler = setInterval(sample, 200);
const started = Date.now();
const shards = ['101', '102', '103', '104'];
for (let i = 0; i < count; i++) {
  const serverId = shards[i % shards.length]!;
  const sequence = BigInt(Math.floor(i / shards.length) + 1);
  const event: ChangeEvent = {
    schema: 'sale',
    table: 'orders',
    op: 'update',
    before: { order_id: BigInt(1_900_000_000_000 + i), status: 'CREATED', amount: '199.00', version: 1 },
    after: { order_id: BigInt(1_900_000_000_000 + i), status: 'PAID', amount: '199.00', version: 2 },
    row: { order_id: BigInt(1_900_000_000_000 + i), status: 'PAID', amount: '199.00', version: 2 },
    keyColumns: ['order_id'],
    source: {
      serverId,
      gtid: `3e11fa47-71ca-11e1-9e33-c80aa9429562:${sequence}`,
      gtidSequence: sequence,
      fileName: 'mysql-bin.000042',
      position: BigInt(4 + i * 311),
      rowIndex: 0,
      timestamp: 1_762_819_200_000 + i,
      transactionId: undefined,
      indexInTransaction: 0,
      partition: i % 6,
      offset: String(i),
    },
  };
  await resequencer.accept({ key: String(1_900_000_000_000 + i), value: event, timestamp: event.source.timestamp, headers: {} });
  if (held.needsFlush()) await held.flush();
  if (i % 100_000 === 0) sample();
}
await held.flush();
clearInterval(sampler);
sample();
const seconds = (Date.now() - started) / 1000;
const mb = (bytes: number) => (bytes / 1048576).toFixed(0);
console.log(`held events: ${resequencer.metrics.eventsHeld} (store holds ~${await held.approximateNumEntries()})`);
console.log(`time: ${seconds.toFixed(1)} s (${Math.round(count / seconds)} events/s)`);
console.log(`peak RSS: ${mb(peak)} MB; RSS now: ${mb(process.memoryUsage().rss)} MB; heap used: ${mb(process.memoryUsage().heapUsed)} MB`);
console.log(peak < 300 * 1048576 ? 'OK: under 300 MB' : 'OVER the 300 MB bound');
await held.close();
await shardStore.close();
await rm(dir, { recursive: true, force: true });
