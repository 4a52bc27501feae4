import type { Prng } from '../prng.js';

const WORDS = ['please', 'deliver', 'before', 'noon', 'gift', 'wrap', 'leave', 'at', 'door', 'call', 'me', 'fragile'];

/** A small remark a buyer might leave: a JSON object's text. */
export function smallRemark(prng: Prng, edit: number): string {
  const note = Array.from({ length: prng.int(2, 6) }, () => prng.pick(WORDS)).join(' ');
  return JSON.stringify({ note, giftWrap: prng.chance(0.3), edit });
}

/**
 * A remark of at least `bytes` bytes (a pasted invoice, say): big enough that the row's entry does
 * not fit one Kafka message and has to be chunked. Includes non-ASCII text, so charsets matter.
 */
export function bigRemark(prng: Prng, bytes: number, edit: number): string {
  // A page of random lines, repeated: remarks of tens of megabytes cost a few PRNG draws, not millions.
  const page: string[] = [];
  let pageBytes = 0;
  while (pageBytes < Math.min(bytes, PAGE_BYTES)) {
    const line = `${prng.pick(WORDS)}-${prng.hex(12)} 发票 ${prng.int(0, 999_999)}\n`;
    page.push(line);
    pageBytes += Buffer.byteLength(line);
  }
  const text = page.join('').repeat(Math.ceil(bytes / pageBytes));
  return JSON.stringify({ note: 'invoice attached', edit, text });
}

const PAGE_BYTES = 16 * 1024;
