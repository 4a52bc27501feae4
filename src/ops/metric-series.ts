import type { AppSnapshot } from '../runtime/app-snapshot.js';

export type LabelValues = Readonly<Record<string, string | number>>;

export interface Sample {
  readonly labels: LabelValues;
  readonly value: number;
}

/**
 * One metric family as data: its name (without the prefix), its type, and how to read its samples
 * from a snapshot. `metrics.ts` turns each into a prom-client metric whose `collect()` calls `read`.
 */
export interface SeriesDefinition {
  readonly name: string;
  readonly help: string;
  readonly type: 'gauge' | 'counter';
  readonly labelNames: readonly string[];
  readonly read: (snapshot: AppSnapshot) => Iterable<Sample>;
}

/** A metric without labels: one sample. */
export function single(value: number): Sample[] {
  return [{ labels: {}, value }];
}
