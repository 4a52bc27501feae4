import type { ProcessorSupplier } from '../processor/processor.js';
import type { Serde } from '../serde/serde.js';
import type { TopicRef } from './topic-ref.js';

/** Chooses the partition of an outgoing record; `undefined` falls back to the key hash. */
export type Partitioner<K, V> = (key: K, value: V, partitionCount: number) => number | undefined;

export interface SourceNodeDefinition {
  readonly kind: 'source';
  readonly name: string;
  readonly topics: readonly TopicRef[];
  /** Missing serdes mean raw bytes: keys and values arrive as `Buffer | null`. */
  readonly keySerde: Serde<unknown> | undefined;
  readonly valueSerde: Serde<unknown> | undefined;
}

export interface ProcessorNodeDefinition {
  readonly kind: 'processor';
  readonly name: string;
  readonly supplier: ProcessorSupplier<unknown, unknown, unknown, unknown>;
  readonly parents: readonly string[];
  readonly stores: readonly string[];
}

export interface SinkNodeDefinition {
  readonly kind: 'sink';
  readonly name: string;
  readonly topic: TopicRef;
  readonly parents: readonly string[];
  readonly keySerde: Serde<unknown> | undefined;
  readonly valueSerde: Serde<unknown> | undefined;
  readonly partitioner: Partitioner<unknown, unknown> | undefined;
}

export type NodeDefinition = SourceNodeDefinition | ProcessorNodeDefinition | SinkNodeDefinition;
