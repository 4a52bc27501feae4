import { TopologyBuilder } from '../topology/topology-builder.js';

/** State shared by every stream of one StreamsBuilder: the topology being written and the name counter. */
export class DslContext {
  readonly builder = new TopologyBuilder();
  readonly problems: string[] = [];
  private counter = 0;

  /** Kafka Streams-style default names, e.g. `KSTREAM-FILTER-0000000003`; a user name wins. */
  nameFor(prefix: string, userName: string | undefined): string {
    const index = this.counter++;
    return userName ?? `${prefix}-${String(index).padStart(10, '0')}`;
  }
}
