import { randomBytes } from '../../serde/seeded-random.js';

/**
 * Random and mutated inputs for a JSON decoder's robustness test: random bytes, byte-level cuts,
 * flips, insertions and deletions of a corpus entry, and structural edits of its JSON (a value
 * replaced by one of another type, a key dropped, an object swapped for an array, deep nesting).
 */
export interface JsonCorpus {
  readonly bytes: readonly Buffer[];
  /** The parsed entries (undefined where an entry is not JSON), edited by copying only the changed path. */
  readonly trees: readonly unknown[];
}

export function jsonCorpus(entries: readonly Buffer[]): JsonCorpus {
  return {
    bytes: entries,
    trees: entries.map((b) => {
      try {
        return JSON.parse(b.toString('utf8')) as unknown;
      } catch {
        return undefined;
      }
    }),
  };
}

export function mutateJson(random: () => number, corpus: JsonCorpus): Buffer {
  const int = (n: number): number => Math.floor(random() * n);
  if (random() < 0.05) return randomBytes(random, int(200));
  // Nesting too deep for a recursive parser's stack.
  if (random() < 0.002) return Buffer.from(`{"payload":${'['.repeat(200_000)}`);
  const pick = int(corpus.bytes.length);
  let json = corpus.trees[pick];
  if (random() < 0.5 || json === undefined) return mutateBytes(random, Buffer.from(corpus.bytes[pick] as Buffer));
  for (let edits = 1 + int(3); edits > 0; edits--) json = editRandomNode(random, json);
  return Buffer.from(JSON.stringify(json) ?? 'null');
}

function mutateBytes(random: () => number, base: Buffer): Buffer {
  const int = (n: number): number => Math.floor(random() * n);
  switch (int(5)) {
    case 0:
      return base.subarray(0, int(base.length));
    case 1: {
      for (let flips = 1 + int(8); flips > 0; flips--) {
        const i = int(base.length);
        base[i] = (base[i] as number) ^ (1 << int(8));
      }
      return base;
    }
    case 2: {
      const i = int(base.length + 1);
      return Buffer.concat([base.subarray(0, i), randomBytes(random, 1 + int(8)), base.subarray(i)]);
    }
    case 3: {
      const i = int(base.length);
      return Buffer.concat([base.subarray(0, i), base.subarray(i + 1 + int(16))]);
    }
    default: {
      const i = int(base.length);
      return Buffer.concat([base.subarray(0, i), base.subarray(int(base.length)), base.subarray(i)]);
    }
  }
}

const REPLACEMENTS: ReadonlyArray<(random: () => number) => unknown> = [
  () => null,
  () => true,
  (r) => Math.floor(r() * 2 ** 40) - 2 ** 39,
  (r) => r() * 1e6,
  () => -1,
  () => 0,
  () => '',
  () => 'x',
  () => 'AAAA',
  () => '2025-13-45T99:99:99Z',
  () => 'mysql-bin.0000x',
  () => ({}),
  () => [],
  () => [1, 'a', null],
  () => ({ scale: 2, value: '!!' }),
  (r) => {
    const depth = 1 + Math.floor(r() * 2_000);
    return JSON.parse(`${'['.repeat(depth)}${']'.repeat(depth)}`) as unknown;
  },
  () => 2 ** 64,
];

function editRandomNode(random: () => number, node: unknown): unknown {
  const int = (n: number): number => Math.floor(random() * n);
  if (typeof node !== 'object' || node === null || random() < 0.15) return (REPLACEMENTS[int(REPLACEMENTS.length)] as (r: () => number) => unknown)(random);
  if (Array.isArray(node)) {
    if (node.length === 0) return node;
    const i = int(node.length);
    const copy = [...node];
    if (random() < 0.1) copy.splice(i, 1);
    else copy[i] = editRandomNode(random, copy[i]);
    return copy;
  }
  const entries = Object.entries(node as Record<string, unknown>);
  if (entries.length === 0) return node;
  const [key, value] = entries[int(entries.length)] as [string, unknown];
  const copy: Record<string, unknown> = { ...(node as Record<string, unknown>) };
  if (random() < 0.1) delete copy[key];
  else if (random() < 0.03) return Object.values(copy);
  else copy[key] = editRandomNode(random, value);
  return copy;
}
