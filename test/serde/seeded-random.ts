/** mulberry32: a small seeded PRNG, so a randomized test can print its seed and be replayed. */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export function randomBytes(random: () => number, length: number): Buffer {
  const out = Buffer.alloc(length);
  for (let i = 0; i < length; i += 1) out[i] = Math.floor(random() * 256);
  return out;
}

/** The seed from CDC_STREAMS_SEED (to replay a failure) or a fresh one; printed either way. */
export function testSeed(name: string): number {
  const given = process.env['CDC_STREAMS_SEED'];
  const seed = given !== undefined && given !== '' ? Number(given) : Math.floor(Math.random() * 2 ** 31);
  console.log(`${name}: seed ${seed} (replay with CDC_STREAMS_SEED=${seed})`);
  return seed;
}
