import { bytesSerde, cdcStream, defineTopology, resequence, stringSerde } from 'cdc-streams';
import { orderLifecycle } from './sale-orders/order-lifecycle-processor.js';
import type { OrderEventRecord } from './sale-orders/order-event.js';
import { ORDERS_STORE, PAYMENT_DEADLINES_STORE, orderStateSerde } from './sale-orders/order-state.js';
import { parseSaleOrdersParams } from './sale-orders/sale-orders-params.js';
import { isSaleOrderChange, orderIdOf, SALE_COLUMNS } from './sale-orders/sale-rows.js';

/**
 * The flash-sale order events (docs/design.md 2, docs/sale-orders.md): the `sale` binlog subscription in,
 * `sale.order-events` out — per order, in binlog order, each step once, with the payment timeout.
 *
 *     cdc-streams run topologies/sale-orders.ts --set paymentTimeoutMinutes=15 --set holdPolicy=emit-and-flag
 *
 * Only the columns the lifecycle reads travel past the source (SALE_COLUMNS); `--set
 * projectColumns=false` keeps every column (e.g. to exercise big rows through the repartition).
 */
export default defineTopology({
  applicationId: 'sale-orders',
  description: 'sale binlog (DTS or Debezium) -> per-order lifecycle events with a payment timeout',
  build: (builder, env) => {
    const params = parseSaleOrdersParams(env.params);
    builder
      .addStateStore({ name: ORDERS_STORE, keySerde: stringSerde, valueSerde: orderStateSerde })
      // Timer keys are due-time bytes, so the store stays in bytes; TimerService encodes them. No
      // changelog: the lifecycle registers the open timers again from `orders` when a task starts.
      .addStateStore({ name: PAYMENT_DEADLINES_STORE, keySerde: bytesSerde, valueSerde: bytesSerde, changelog: false });
    const projection = params.projectColumns ? { columns: SALE_COLUMNS } : {};
    const changes =
      params.format === 'dts'
        ? cdcStream(builder, params.inputTopic, { format: 'dts', ...projection })
        : cdcStream(builder, [`${params.topicPrefix}.sale.orders`, `${params.topicPrefix}.sale.payments`], {
            format: 'debezium',
            ...projection,
            ...(params.heartbeatTopic === undefined ? {} : { debezium: { heartbeatTopic: params.heartbeatTopic } }),
          });
    changes
      .filter((change) => isSaleOrderChange(change), { name: 'sale-orders-and-payments' })
      .selectKey((change) => orderIdOf(change), { name: 'key-by-order-id' })
      .pipe(
        resequence({
          keySerde: stringSerde,
          policy: params.holdPolicy,
          ...(params.maxHoldMs === undefined ? {} : { maxHoldMs: params.maxHoldMs }),
        }),
      )
      .process(orderLifecycle({ paymentTimeoutMs: params.paymentTimeoutMs, sourceTimeZone: params.sourceTimeZone }), {
        name: 'order-lifecycle',
        stores: [ORDERS_STORE, PAYMENT_DEADLINES_STORE],
      })
      .to(params.outputTopic, {
        name: 'order-events',
        keySerde: stringSerde,
        valueSerde: env.avro<OrderEventRecord>('order-event'),
      });
  },
});
