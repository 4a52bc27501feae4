import { minuteStatsKey, type SaleStatsTruth, type SkuFigures, type SkuMinuteStats, type SkuTotals } from './sale-stats-truth.js';

const FIGURES: ReadonlyArray<keyof SkuFigures> = ['created', 'paid', 'cancelled', 'expired', 'paidAmount'];

export interface SaleStatsSummary {
  /** Every expected minute read exactly once with every figure right, nothing else read, and every product's last total right. */
  readonly ok: boolean;
  readonly minutes: {
    readonly expected: number;
    readonly read: number;
    readonly right: number;
    readonly missing: number;
    readonly duplicated: number;
    readonly unexpected: number;
    readonly mismatched: number;
  };
  readonly totals: { readonly expected: number; readonly read: number; readonly right: number; readonly missing: number; readonly unexpected: number; readonly mismatched: number };
  /** The first few problems, one line each. */
  readonly examples: readonly string[];
}

/**
 * Compares what sale-stats wrote with the statistics the ground truth implies: each minute of each
 * product once (suppression emits a window once; a second record of it is a duplicate), with equal
 * figures; and, for totals, the last update read per product.
 */
export class SaleStatsVerifier {
  private readonly minutesRead = new Map<string, SkuMinuteStats[]>();
  private readonly lastTotals = new Map<string, SkuTotals>();
  private minuteRecords = 0;
  private totalRecords = 0;

  constructor(
    private readonly truth: SaleStatsTruth,
    private readonly exampleLimit = 20,
  ) {}

  observeMinute(stats: SkuMinuteStats): void {
    this.minuteRecords++;
    const key = minuteStatsKey(stats.skuId, stats.windowStart);
    const list = this.minutesRead.get(key);
    if (list === undefined) this.minutesRead.set(key, [stats]);
    else list.push(stats);
  }

  observeTotals(totals: SkuTotals): void {
    this.totalRecords++;
    this.lastTotals.set(totals.skuId, totals);
  }

  result(): SaleStatsSummary {
    const examples: string[] = [];
    const note = (line: string): void => {
      if (examples.length < this.exampleLimit) examples.push(line);
    };
    const minutes = { expected: this.truth.minutes.size, read: this.minuteRecords, right: 0, missing: 0, duplicated: 0, unexpected: 0, mismatched: 0 };
    for (const [key, expected] of this.truth.minutes) {
      const read = this.minutesRead.get(key);
      if (read === undefined) {
        minutes.missing++;
        note(`minute ${describeMinute(expected)}: missing`);
        continue;
      }
      if (read.length > 1) {
        minutes.duplicated += read.length - 1;
        note(`minute ${describeMinute(expected)}: read ${read.length} times`);
      }
      const differences = differingFigures(expected, read[0]!, ['windowEnd']);
      if (differences.length === 0) minutes.right++;
      else {
        minutes.mismatched++;
        note(`minute ${describeMinute(expected)}: ${differences.join(', ')}`);
      }
    }
    for (const [key, read] of this.minutesRead) {
      if (this.truth.minutes.has(key)) continue;
      minutes.unexpected += read.length;
      note(`minute ${describeMinute(read[0]!)}: not expected (${FIGURES.map((f) => `${f} ${read[0]![f]}`).join(', ')})`);
    }
    const totals = { expected: this.truth.totals.size, read: this.totalRecords, right: 0, missing: 0, unexpected: 0, mismatched: 0 };
    for (const [sku, expected] of this.truth.totals) {
      const read = this.lastTotals.get(sku);
      if (read === undefined) {
        totals.missing++;
        note(`totals of sku ${sku}: missing`);
        continue;
      }
      const differences = differingFigures(expected, read, ['lastEventAt']);
      if (differences.length === 0) totals.right++;
      else {
        totals.mismatched++;
        note(`totals of sku ${sku}: ${differences.join(', ')}`);
      }
    }
    for (const sku of this.lastTotals.keys()) {
      if (this.truth.totals.has(sku)) continue;
      totals.unexpected++;
      note(`totals of sku ${sku}: not expected`);
    }
    const ok =
      minutes.right === minutes.expected &&
      minutes.duplicated === 0 &&
      minutes.unexpected === 0 &&
      totals.right === totals.expected &&
      totals.unexpected === 0;
    return { ok, minutes, totals, examples };
  }
}

function describeMinute(m: Pick<SkuMinuteStats, 'skuId' | 'windowStart'>): string {
  return `sku ${m.skuId} ${new Date(m.windowStart).toISOString()}`;
}

function differingFigures<T extends SkuFigures>(expected: T, read: T, extra: ReadonlyArray<keyof T>): string[] {
  const fields: Array<keyof T> = [...(FIGURES as ReadonlyArray<keyof T>), ...extra];
  return fields.filter((f) => expected[f] !== read[f]).map((f) => `${String(f)} expected ${String(expected[f])}, read ${String(read[f])}`);
}

/** The summary as lines for a terminal. */
export function formatSaleStatsVerification(summary: SaleStatsSummary): string {
  const m = summary.minutes;
  const t = summary.totals;
  const out = [
    `minutes: expected ${m.expected}, read ${m.read}, right ${m.right}, missing ${m.missing}, duplicated ${m.duplicated}, unexpected ${m.unexpected}, mismatched ${m.mismatched}`,
    `totals:  expected ${t.expected}, read ${t.read} updates, right ${t.right}, missing ${t.missing}, unexpected ${t.unexpected}, mismatched ${t.mismatched}`,
  ];
  if (summary.examples.length > 0) out.push('', 'examples:', ...summary.examples.map((e) => `  ${e}`));
  out.push('', summary.ok ? 'RESULT: OK — the statistics match the ground truth' : 'RESULT: FAILED');
  return out.join('\n');
}
