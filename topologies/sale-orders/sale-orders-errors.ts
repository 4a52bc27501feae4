import { CdcStreamsError } from 'cdc-streams';

/**
 * A row of `sale.orders` or `sale.payments` that the lifecycle cannot turn into an event: a missing or
 * mistyped column, or a status the output schema has no symbol for. Thrown rather than skipped, so the
 * task's processing error policy (fail or dead-letter) decides — an order silently missing a step is
 * worse than a stopped pipeline.
 */
export class SaleOrderRowError extends CdcStreamsError {
  constructor(message: string) {
    super(message, { code: 'SALE_ORDER_ROW' });
  }
}

/** A `--set` parameter of the sale-orders topology that cannot work. */
export class SaleOrdersParamError extends CdcStreamsError {
  constructor(message: string) {
    super(message, { code: 'SALE_ORDERS_PARAM' });
  }
}

/** The lifecycle processor used outside its life: before `init`. A programming error, never retriable. */
export class SaleOrdersLifecycleError extends CdcStreamsError {
  constructor(message: string) {
    super(message, { code: 'SALE_ORDERS_LIFECYCLE' });
  }
}
