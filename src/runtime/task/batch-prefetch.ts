import { CONTROL_HEADER } from '../../common/constants.js';
import type { StreamRecord } from '../../processor/stream-record.js';
import type { SourceNodeDefinition } from '../../topology/node-definitions.js';
import type { InputRecord } from './input-record.js';
import type { RuntimeNode } from './runtime-node.js';

/** A source node of a task and its definition (serdes), by the physical topic it reads. */
export interface TaskSource {
  readonly node: RuntimeNode;
  readonly definition: SourceNodeDefinition;
}

export interface DeserializedAhead {
  /** Records deserialized ahead, by batch index (undefined for control records). */
  readonly records: ReadonlyArray<StreamRecord<unknown, unknown> | undefined>;
  /** How many leading records of the batch `records` covers. */
  readonly count: number;
}

export const NOTHING_AHEAD: DeserializedAhead = { records: [], count: 0 };

/** Deserializes one input record with its source's serdes; throws what the serde throws. */
export function decode(input: InputRecord, source: SourceNodeDefinition): StreamRecord<unknown, unknown> {
  const context = { topic: input.topic, partition: input.partition, offset: input.offset, headers: input.headers };
  const key = input.key === null || source.keySerde === undefined ? input.key : source.keySerde.deserialize(input.key, context);
  const value = input.value === null || source.valueSerde === undefined ? input.value : source.valueSerde.deserialize(input.value, context);
  return { key, value, timestamp: input.timestamp, headers: input.headers };
}

/**
 * Deserializes the batch ahead of processing and shows each source's records to the processors
 * below it that prefetch, so they read their stores once per batch. Stops at the first record that
 * does not deserialize: from there on, records are deserialized one by one as usual, so the error
 * policy applies at that record's turn.
 */
export async function deserializeAndPrefetch(batch: readonly InputRecord[], sourceByTopic: ReadonlyMap<string, TaskSource>): Promise<DeserializedAhead> {
  const records: Array<StreamRecord<unknown, unknown> | undefined> = new Array(batch.length);
  const bySource = new Map<RuntimeNode, Array<StreamRecord<unknown, unknown>>>();
  let count = 0;
  for (; count < batch.length; count++) {
    const input = batch[count]!;
    const source = sourceByTopic.get(input.topic);
    if (source === undefined || input.headers[CONTROL_HEADER] !== undefined) continue;
    let record: StreamRecord<unknown, unknown>;
    try {
      record = decode(input, source.definition);
    } catch {
      // Not swallowed: the main loop deserializes this record again and applies the error policy.
      break;
    }
    records[count] = record;
    if (source.node.hasPrefetchingChildren) {
      const list = bySource.get(source.node);
      if (list === undefined) bySource.set(source.node, [record]);
      else list.push(record);
    }
  }
  const pending: Array<Promise<unknown>> = [];
  for (const [node, list] of bySource) {
    const prefetching = node.prefetchChildren(list);
    if (prefetching !== undefined) pending.push(prefetching);
  }
  if (pending.length > 0) await Promise.all(pending);
  return { records, count };
}
