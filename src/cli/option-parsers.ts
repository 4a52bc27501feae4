import { isIP } from 'node:net';
import { InvalidArgumentError } from 'commander';

/** Commander parser for an integer within [min, max]; a usage error names the bad value. */
export function integerOption(min: number, max = Number.MAX_SAFE_INTEGER): (value: string) => number {
  return (value) => {
    const n = Number(value);
    if (!/^-?\d+$/.test(value.trim()) || !Number.isSafeInteger(n) || n < min || n > max) {
      throw new InvalidArgumentError(`'${value}' is not an integer from ${min} to ${max === Number.MAX_SAFE_INTEGER ? 'any size' : max}`);
    }
    return n;
  };
}

/** A probability: a number from 0 to 1. */
export function parseFraction(value: string): number {
  const n = Number(value);
  if (value.trim() === '' || !Number.isFinite(n) || n < 0 || n > 1) throw new InvalidArgumentError(`'${value}' is not a number from 0 to 1`);
  return n;
}

/** A Kafka offset (int64, not negative). */
export function parseOffset(value: string): bigint {
  if (!/^\d+$/.test(value.trim())) throw new InvalidArgumentError(`'${value}' is not an offset (a whole number, 0 or more)`);
  return BigInt(value.trim());
}

/** Repeatable `--set key=value`: collects topology parameters. */
export function collectParam(value: string, previous: Readonly<Record<string, string>> = {}): Record<string, string> {
  const at = value.indexOf('=');
  const key = at < 0 ? '' : value.slice(0, at).trim();
  if (key === '') throw new InvalidArgumentError(`'${value}' is not key=value`);
  return { ...previous, [key]: value.slice(at + 1) };
}

/** A host name or an IP address to bind to (IPv6 without brackets). */
export function parseHost(value: string): string {
  const host = value.trim();
  if (isIP(host) === 0 && !/^[A-Za-z0-9]([A-Za-z0-9-]*[A-Za-z0-9])?(\.[A-Za-z0-9]([A-Za-z0-9-]*[A-Za-z0-9])?)*$/.test(host)) {
    throw new InvalidArgumentError(`'${value}' is not a host name or an IP address`);
  }
  return host;
}

/** One of a fixed list of words. */
export function choiceOption<T extends string>(choices: readonly T[]): (value: string) => T {
  return (value) => {
    const found = choices.find((c) => c === value);
    if (found === undefined) throw new InvalidArgumentError(`'${value}' is not one of ${choices.join(', ')}`);
    return found;
  };
}
