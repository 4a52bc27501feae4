import { parse } from 'lossless-json';

/** JSON as the CDC formats need it: integers beyond 2^53 stay exact (`bigint`), nothing is rounded. */
export type ExactJson = null | boolean | number | bigint | string | ExactJson[] | { [key: string]: ExactJson };
export type ExactJsonObject = { [key: string]: ExactJson };

const utf8 = new TextDecoder('utf-8', { fatal: true });
const CANONICAL_INTEGER = /^-?(?:0|[1-9]\d*)$/;

/**
 * Parses UTF-8 JSON bytes. Integers are numbers while they are safe and bigints beyond; other numbers
 * must be finite doubles; a key that repeats keeps its last value (as JSON.parse does). Throws what
 * `fail` builds, with the reason, on bytes that are not UTF-8, not JSON, or nest too deeply to read.
 *
 * Speed: the built-in JSON.parse does the parsing. A linear scan first quotes the integer literals
 * beyond 2^53 (a Debezium 3 record always has some: `ts_ns`), and a walk turns exactly those strings
 * back into bigints. Only when a genuine string has the same digits as a quoted literal — the walk
 * could not tell them apart — does lossless-json parse the text instead (about 3× slower).
 */
export function parseExactJson(bytes: Uint8Array, fail: (reason: string, cause: unknown) => Error): ExactJson {
  let text: string;
  try {
    text = utf8.decode(bytes);
  } catch (error) {
    throw fail('not UTF-8', error);
  }
  try {
    const scan = scanNumbers(text);
    if (scan === 'ambiguous') return parse(text, null, parseNumber) as ExactJson;
    const json = JSON.parse(scan.text) as ExactJson;
    if (scan.bigIntegers.size === 0 && !scan.exponents) return json;
    return restore(json, scan.bigIntegers);
  } catch (error) {
    throw fail(error instanceof Error ? error.message : String(error), error);
  }
}

interface Scan {
  readonly text: string;
  /** The integer literals that were quoted because a number cannot hold them. */
  readonly bigIntegers: ReadonlySet<string>;
  /** Some number has an exponent, so it may be out of a double's range. */
  readonly exponents: boolean;
}

/** Quotes unsafe integer literals; 'ambiguous' when a string in the text holds the same digits as one. */
function scanNumbers(text: string): Scan | 'ambiguous' {
  const pieces: string[] = [];
  const bigIntegers = new Set<string>();
  const digitStrings: string[] = [];
  let exponents = false;
  let copied = 0;
  const n = text.length;
  for (let i = 0; i < n; ) {
    const c = text.charCodeAt(i);
    if (c === 0x22) {
      let j = i + 1;
      let escaped = false;
      while (j < n) {
        const d = text.charCodeAt(j);
        if (d === 0x5c) {
          escaped = true;
          j += 2;
        } else if (d === 0x22) break;
        else j++;
      }
      const first = text.charCodeAt(i + 1);
      if (j - i > 16 && (escaped || first === 0x2d || (first >= 0x30 && first <= 0x39))) {
        const content = text.slice(i + 1, j);
        if (CANONICAL_INTEGER.test(content)) digitStrings.push(content);
        else if (content.includes('\\')) {
          // Digits spelt as escapes (\u0031...) are the same string once parsed.
          const unescaped = unescapeJsonString(content);
          if (unescaped !== undefined && CANONICAL_INTEGER.test(unescaped)) digitStrings.push(unescaped);
        }
      }
      i = j + 1;
    } else if (c === 0x2d || (c >= 0x30 && c <= 0x39)) {
      let j = i + 1;
      while (j < n && isNumberChar(text.charCodeAt(j))) j++;
      const token = text.slice(i, j);
      if (j - i > 15 && CANONICAL_INTEGER.test(token) && !Number.isSafeInteger(Number(token))) {
        pieces.push(text.slice(copied, i), `"${token}"`);
        copied = j;
        bigIntegers.add(token);
      } else if (!exponents && /[eE]/.test(token)) {
        exponents = true;
      }
      i = j;
    } else {
      i++;
    }
  }
  for (const digits of digitStrings) if (bigIntegers.has(digits)) return 'ambiguous';
  if (copied === 0) return { text, bigIntegers, exponents };
  pieces.push(text.slice(copied));
  return { text: pieces.join(''), bigIntegers, exponents };
}

function unescapeJsonString(content: string): string | undefined {
  try {
    const value: unknown = JSON.parse(`"${content}"`);
    return typeof value === 'string' ? value : undefined;
  } catch {
    // Not a valid string literal: JSON.parse rejects the whole text anyway.
    return undefined;
  }
}

function isNumberChar(c: number): boolean {
  return (c >= 0x30 && c <= 0x39) || c === 0x2e || c === 0x65 || c === 0x45 || c === 0x2b || c === 0x2d;
}

function restore(value: ExactJson, bigIntegers: ReadonlySet<string>): ExactJson {
  if (typeof value === 'string') return bigIntegers.has(value) ? BigInt(value) : value;
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) throw new RangeError('a number is out of range');
    return value;
  }
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) value[i] = restore(value[i] as ExactJson, bigIntegers);
    return value;
  }
  if (value !== null && typeof value === 'object') {
    for (const key of Object.keys(value)) {
      const old = value[key] as ExactJson;
      const next = restore(old, bigIntegers);
      // defineProperty, not assignment: a key named __proto__ must stay a plain own property.
      if (next !== old) Object.defineProperty(value, key, { value: next, writable: true, enumerable: true, configurable: true });
    }
  }
  return value;
}

function parseNumber(text: string): number | bigint {
  if (/^-?\d+$/.test(text)) {
    const value = Number(text);
    return Number.isSafeInteger(value) ? value : BigInt(text);
  }
  const value = Number(text);
  if (!Number.isFinite(value)) throw new RangeError(`number ${text} is out of range`);
  return value;
}

export function isJsonObject(value: ExactJson | undefined): value is ExactJsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Short, for error messages: what a value is, not all of it. */
export function describeJson(value: ExactJson | undefined): string {
  if (value === undefined) return 'missing';
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  if (typeof value === 'object') return 'an object';
  if (typeof value === 'string') return `'${value.length > 40 ? `${value.slice(0, 40)}…` : value}'`;
  return `${typeof value} ${String(value)}`;
}
