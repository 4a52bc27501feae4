import { bytesSerde, cdcStream, defineTopology, pair, resequence, stringSerde, Suppressed, TimeWindows } from 'cdc-streams';
import { orderLifecycle } from './sale-orders/order-lifecycle-processor.js';
import type { OrderEventRecord } from './sale-orders/order-event.js';
import { ORDERS_STORE, PAYMENT_DEADLINES_STORE, orderStateSerde } from './sale-orders/order-state.js';
import { isSaleOrderChange, orderIdOf, SALE_COLUMNS } from './sale-orders/sale-rows.js';
import { parseSaleStatsParams } from './sale-stats/sale-stats-params.js';
import {
  addSkuEvent,
  emptySkuStats,
  isCounted,
  SKU_MINUTE_STATS_STORE,
  SKU_TOTALS_STORE,
  skuEventOf,
  skuEventSerde,
  skuStatsSerde,
} from './sale-stats/sku-stats.js';
import { withStreamWatermarks } from './sale-stats/with-stream-watermarks.js';

const MINUTE_MS = 60_000;

/** `sale.SkuMinuteStats` (schemas/sku-minute-stats.avsc). */
interface SkuMinuteStatsRecord {
  readonly skuId: string;
  readonly windowStart: number;
  readonly windowEnd: number;
  readonly created: number;
  readonly paid: number;
  readonly cancelled: number;
  readonly expired: number;
  readonly paidAmount: string;
}

/** `sale.SkuTotals` (schemas/sku-totals.avsc). */
interface SkuTotalsRecord extends Omit<SkuMinuteStatsRecord, 'windowStart' | 'windowEnd'> {
  readonly lastEventAt: number;
}

/**
 * Per product, per minute of event time: orders created, paid, cancelled and expired, and the paid
 * amount (docs/sale-stats.md). The same order events as sale-orders (the same CDC input, resequencer and
 * lifecycle processor), re-keyed by SKU; one-minute windows that close by the event-time watermark plus
 * grace, suppressed so each minute is emitted once; and a running total per product, queryable as the
 * `sku-totals` store.
 *
 *     cdc-streams run topologies/sale-stats.ts --set graceSeconds=10 --http-port 8080
 *     curl localhost:8080/stores/sku-totals/3
 */
export default defineTopology({
  applicationId: 'sale-stats',
  description: 'sale binlog (DTS) -> per-product per-minute order statistics and running totals',
  build: (builder, env) => {
    const params = parseSaleStatsParams(env.params);
    builder
      .addStateStore({ name: ORDERS_STORE, keySerde: stringSerde, valueSerde: orderStateSerde })
      .addStateStore({ name: PAYMENT_DEADLINES_STORE, keySerde: bytesSerde, valueSerde: bytesSerde });
    // As in sale-orders: only the columns the lifecycle reads travel past the source, unless projectColumns=false.
    const bySku = cdcStream(builder, params.inputTopic, { format: 'dts', ...(params.projectColumns ? { columns: SALE_COLUMNS } : {}) })
      .filter((change) => isSaleOrderChange(change), { name: 'sale-orders-and-payments' })
      .selectKey((change) => orderIdOf(change), { name: 'key-by-order-id' })
      .pipe(
        resequence({
          keySerde: stringSerde,
          policy: params.holdPolicy,
          ...(params.maxHoldMs === undefined ? {} : { maxHoldMs: params.maxHoldMs }),
        }),
      )
      .process(withStreamWatermarks(orderLifecycle({ paymentTimeoutMs: params.paymentTimeoutMs, sourceTimeZone: params.sourceTimeZone })), {
        name: 'order-lifecycle',
        stores: [ORDERS_STORE, PAYMENT_DEADLINES_STORE],
      })
      .filter((event: OrderEventRecord) => isCounted(event), { name: 'counted-events' })
      .map((_orderId, event: OrderEventRecord) => pair(event.skuId, skuEventOf(event)), { name: 'key-by-sku' })
      .groupByKey({ name: 'by-sku', keySerde: stringSerde, valueSerde: skuEventSerde });

    bySku
      .windowedBy(TimeWindows.ofSizeAndGrace(MINUTE_MS, params.graceMs), { streamTime: 'watermarks' })
      .aggregate(emptySkuStats, (_sku, event, stats) => addSkuEvent(stats, event), {
        name: 'per-minute',
        storeName: SKU_MINUTE_STATS_STORE,
        valueSerde: skuStatsSerde,
      })
      .suppress(Suppressed.untilWindowCloses({ name: 'minute-closed' }))
      .toStream()
      .map((window, stats): { key: string; value: SkuMinuteStatsRecord } => {
        const { lastEventAt: _unused, ...figures } = stats;
        return pair(window.key, { skuId: window.key, windowStart: window.window.start, windowEnd: window.window.end, ...figures });
      })
      .to(params.statsTopic, { name: 'minute-stats', keySerde: stringSerde, valueSerde: env.avro<SkuMinuteStatsRecord>('sku-minute-stats') });

    bySku
      .aggregate(emptySkuStats, (_sku, event, stats) => addSkuEvent(stats, event), { name: 'running-totals', storeName: SKU_TOTALS_STORE, valueSerde: skuStatsSerde })
      .toStream()
      .map((sku, stats): { key: string; value: SkuTotalsRecord } => pair(sku, { skuId: sku, ...stats }))
      .to(params.totalsTopic, { name: 'totals', keySerde: stringSerde, valueSerde: env.avro<SkuTotalsRecord>('sku-totals') });
  },
});
