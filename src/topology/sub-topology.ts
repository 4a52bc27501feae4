import type { SinkNodeDefinition, SourceNodeDefinition } from './node-definitions.js';
import type { TopicRef } from './topic-ref.js';

/**
 * A connected part of the processor graph. Sub-topologies meet only through topics (a repartition
 * topic, or an output that another part reads), so each runs as its own tasks, one per partition.
 */
export interface SubTopology {
  readonly id: number;
  /** Node names in the order they were added. */
  readonly nodeNames: readonly string[];
  readonly sources: readonly SourceNodeDefinition[];
  readonly sinks: readonly SinkNodeDefinition[];
  readonly sourceTopics: readonly TopicRef[];
  readonly stores: readonly string[];
}
