import {
  readEventTimeWatermark,
  streamWatermarkRecord,
  type Processor,
  type ProcessorContext,
  type ProcessorSupplier,
  type StreamRecord,
} from 'cdc-streams';

/**
 * Wraps a processor that sits after the resequencer (the order lifecycle) so that, after it has handled
 * each event-time watermark (firing the payment timeouts it covers), the watermark goes on downstream as
 * a stream watermark: "nothing this task forwards from now on is at or before `timeWatermark`". The
 * per-minute windows after the repartition by SKU close by the minimum of these over all lifecycle
 * tasks, so their figures do not depend on how the tasks' outputs interleave.
 */
export function withStreamWatermarks<KIn, VIn, KOut, VOut>(supplier: ProcessorSupplier<KIn, VIn, KOut, VOut>): ProcessorSupplier<KIn, VIn, KOut, VOut> {
  return () => {
    const inner: Processor<KIn, VIn, KOut, VOut> = supplier();
    let context: ProcessorContext<KOut, VOut> | undefined;
    const wrapped: Processor<KIn, VIn, KOut, VOut> = {
      init(c) {
        context = c;
        return inner.init?.(c);
      },
      process: (record) => inner.process(record),
      async processControl(record: StreamRecord<unknown, unknown>) {
        if (inner.processControl === undefined) context!.forwardControl(record);
        else await inner.processControl(record);
        const watermark = readEventTimeWatermark(record);
        if (watermark === undefined) return;
        context!.forwardControl(
          streamWatermarkRecord({ time: watermark.timeWatermark + 1, partition: context!.partition, partitionCount: context!.inputPartitionCount() }),
        );
      },
    };
    if (inner.prefetch !== undefined) wrapped.prefetch = (records) => inner.prefetch!(records);
    if (inner.onBatchEnd !== undefined) wrapped.onBatchEnd = () => inner.onBatchEnd!();
    if (inner.close !== undefined) wrapped.close = () => inner.close!();
    if (inner.reportMetrics !== undefined) wrapped.reportMetrics = () => inner.reportMetrics!();
    return wrapped;
  };
}
