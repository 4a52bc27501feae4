/**
 * Kafka offsets travel as decimal strings (64-bit). Non-negative decimals without leading zeros
 * order by length first, then lexicographically — no BigInt parse on the hot path.
 */
export function compareOffsets(a: string, b: string): number {
  if (a.length !== b.length) return a.length - b.length;
  return a < b ? -1 : a > b ? 1 : 0;
}

/** The lower of two optional offsets; `undefined` means "no hold". */
export function minOffset(a: string | undefined, b: string | undefined): string | undefined {
  if (a === undefined) return b;
  if (b === undefined) return a;
  return compareOffsets(a, b) <= 0 ? a : b;
}
