import { seededRandom } from '../serde/seeded-random.js';

/** One fault of a soak run, at a planned time (ms from the start of writing). */
export type ChaosEvent =
  | { readonly kind: 'kill'; readonly atMs: number; readonly deleteState: boolean; readonly pick: number }
  | { readonly kind: 'broker-restart'; readonly atMs: number }
  | { readonly kind: 'add-instance'; readonly atMs: number }
  | { readonly kind: 'remove-instance'; readonly atMs: number; readonly pick: number };

export interface ChaosCounts {
  readonly kills: number;
  /** Share of kills after which the instance restarts on an empty state dir (as on another machine). */
  readonly deletedStateShare: number;
  readonly brokerRestarts: number;
  /** One instance added, and later one removed (SIGTERM, not restarted). */
  readonly scale: boolean;
}

/**
 * The faults of a run, drawn from the seed: kills spread at random over the window (each picking its
 * victim by `pick` among the instances alive then), broker restarts and the scale-out/in at random times
 * too, the removal after the addition. Sorted by time; the same seed gives the same plan.
 */
export function planChaos(seed: number, counts: ChaosCounts, windowMs: number): ChaosEvent[] {
  const random = seededRandom(seed ^ 0x5eed_c4a0);
  const at = (from = 0.03, to = 0.97): number => Math.round(windowMs * (from + random() * (to - from)));
  const events: ChaosEvent[] = [];
  // Every kill's state-dir choice is drawn, then the share is made exact: a plan that asks for deleted
  // state dirs always has some.
  const deleted = Math.max(counts.kills > 0 && counts.deletedStateShare > 0 ? 1 : 0, Math.round(counts.kills * counts.deletedStateShare));
  const deleteFlags = Array.from({ length: counts.kills }, (_, i) => i < deleted);
  for (let i = deleteFlags.length - 1; i > 0; i -= 1) {
    const j = Math.floor(random() * (i + 1));
    [deleteFlags[i], deleteFlags[j]] = [deleteFlags[j] ?? false, deleteFlags[i] ?? false];
  }
  for (const deleteState of deleteFlags) events.push({ kind: 'kill', atMs: at(), deleteState, pick: random() });
  for (let i = 0; i < counts.brokerRestarts; i += 1) events.push({ kind: 'broker-restart', atMs: at(0.1, 0.9) });
  if (counts.scale) {
    const added = at(0.1, 0.5);
    events.push({ kind: 'add-instance', atMs: added });
    events.push({ kind: 'remove-instance', atMs: added + Math.round((windowMs * 0.9 - added) * (0.2 + random() * 0.6)), pick: random() });
  }
  return events.sort((a, b) => a.atMs - b.atMs);
}
