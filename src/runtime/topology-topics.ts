import { DEAD_LETTER_TOPIC_SUFFIX } from '../common/constants.js';
import { physicalTopicName } from '../topology/topic-ref.js';
import type { Topology } from '../topology/topology.js';
import { changelogTopicName } from './task/stream-task.js';

export interface TopologyTopics {
  /** External topics the topology reads (what a reset rewinds). */
  readonly inputs: readonly string[];
  /** Repartition topics, changelogs and the dead-letter topic (what a reset deletes). */
  readonly internal: readonly string[];
  /** Every topic the application reads or writes, physical names. */
  readonly all: readonly string[];
  /**
   * Internal topics the application's own tasks read (repartition topics, Debezium's transaction
   * topic): written and read by the application alone, so what it committed can be purged.
   */
  readonly repartition: readonly string[];
}

/** The physical topics of a topology run under `applicationId`. */
export function topologyTopics(topology: Topology, applicationId: string): TopologyTopics {
  const inputs = new Set<string>();
  const internal = new Set<string>();
  const all = new Set<string>();
  const repartition = new Set<string>();
  for (const node of topology.nodes.values()) {
    const refs = node.kind === 'source' ? node.topics : node.kind === 'sink' ? [node.topic] : [];
    for (const ref of refs) {
      const name = physicalTopicName(ref, applicationId);
      all.add(name);
      if (ref.internal) internal.add(name);
      else if (node.kind === 'source') inputs.add(name);
      if (ref.internal && node.kind === 'source') repartition.add(name);
    }
  }
  for (const [store, definition] of topology.stores) {
    const changelog = changelogTopicName(applicationId, store);
    all.add(changelog);
    if (definition.changelog) internal.add(changelog);
  }
  const dlq = `${applicationId}${DEAD_LETTER_TOPIC_SUFFIX}`;
  all.add(dlq);
  internal.add(dlq);
  return { inputs: [...inputs], internal: [...internal], all: [...all], repartition: [...repartition] };
}
