import type { Processor } from '../processor/processor.js';
import type { ProcessorContext } from '../processor/processor-context.js';
import type { StreamRecord } from '../processor/stream-record.js';

/** A processor whose whole job is one synchronous function of the record and the context. */
export function statelessProcessor<KIn, VIn, KOut, VOut>(
  handle: (record: StreamRecord<KIn, VIn>, context: ProcessorContext<KOut, VOut>) => void,
): () => Processor<KIn, VIn, KOut, VOut> {
  return () => {
    let context: ProcessorContext<KOut, VOut>;
    return {
      init(c: ProcessorContext<KOut, VOut>): void {
        context = c;
      },
      process(record: StreamRecord<KIn, VIn>): void {
        handle(record, context);
      },
    };
  };
}
