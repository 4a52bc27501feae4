import type { Processor } from '../../processor/processor.js';
import type { ProcessorContext } from '../../processor/processor-context.js';
import type { StreamRecord } from '../../processor/stream-record.js';

/** The task deserializes before a record enters the graph; the source node only passes it on. */
export class SourceProcessor implements Processor<unknown, unknown> {
  private context: ProcessorContext<unknown, unknown> | undefined;

  init(context: ProcessorContext<unknown, unknown>): void {
    this.context = context;
  }

  process(record: StreamRecord<unknown, unknown>): void {
    this.context!.forward(record);
  }
}
