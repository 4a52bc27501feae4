import type { Prng } from '../prng.js';
import type { FlashSaleModelOptions, LifecycleMix } from './model-options.js';

export type Fate = keyof LifecycleMix;
/** What happens once an order is paid. */
export type AfterPaid = 'ship' | 'ship-then-refund' | 'refund' | 'stay';

/** An order's whole future, decided when it is created. */
export interface OrderPlan {
  readonly fate: Fate;
  readonly afterPaid: AfterPaid;
  /** Remark-only updates: no event, but `version` goes up. */
  readonly remarkEdits: number;
  /** Where the big remark (if any) is written: in the INSERT, or in the first remark edit. */
  readonly bigRemark: 'none' | 'insert' | 'edit';
}

const FATES: readonly Fate[] = ['paid', 'paidLate', 'cancelled', 'unpaid', 'expiredThenCancelled'];

export function planOrder(prng: Prng, options: FlashSaleModelOptions, inPair: boolean): OrderPlan {
  // Two orders created together are paid together or not at all, so a pair is either fate.
  const fate = inPair ? pickWeighted(prng, ['paid', 'unpaid'], options.fates) : pickWeighted(prng, FATES, options.fates);
  const afterPaid = fate === 'paidLate' ? (prng.chance(0.5) ? 'refund' : 'ship') : pickAfterPaid(prng);
  const bigRemark = prng.chance(options.bigRemarkRate) ? (prng.chance(0.5) ? 'insert' : 'edit') : 'none';
  let remarkEdits = prng.chance(options.remarkEditRate) ? prng.int(1, 2) : 0;
  if (bigRemark === 'edit' && remarkEdits === 0) remarkEdits = 1;
  return { fate, afterPaid, remarkEdits, bigRemark };
}

function pickAfterPaid(prng: Prng): AfterPaid {
  const u = prng.next();
  if (u < 0.85) return 'ship';
  if (u < 0.9) return 'ship-then-refund';
  if (u < 0.94) return 'refund';
  return 'stay';
}

function pickWeighted(prng: Prng, fates: readonly Fate[], weights: LifecycleMix): Fate {
  const total = fates.reduce((sum, f) => sum + weights[f], 0);
  if (total <= 0) return 'unpaid';
  let u = prng.next() * total;
  for (const fate of fates) {
    u -= weights[fate];
    if (u < 0) return fate;
  }
  return fates[fates.length - 1] ?? 'unpaid';
}
