const RESERVED = new Set(['level', 'time', 'msg', 'pid', 'hostname']);

/**
 * Turns one pino JSON line into `time LEVEL message key=value ...`, with error stacks on the lines
 * below. Written here rather than taken from pino-pretty so that `pretty` needs no extra
 * dependency; a line that is not a JSON object passes through unchanged rather than being lost.
 */
export function formatPrettyLine(line: string): string {
  const record = parseObject(line);
  if (record === undefined) return line;
  const fields: string[] = [];
  const stacks: string[] = [];
  for (const [key, value] of Object.entries(record)) {
    if (RESERVED.has(key)) continue;
    const stack = stackOf(value);
    if (stack !== undefined) stacks.push(stack);
    fields.push(`${key}=${typeof value === 'string' ? value : JSON.stringify(stackless(value))}`);
  }
  const level = String(record['level'] ?? '').toUpperCase().padEnd(5);
  const head = [String(record['time'] ?? ''), level, String(record['msg'] ?? ''), ...fields].join(' ');
  return [head, ...stacks].map((part) => `${part}\n`).join('');
}

function parseObject(line: string): Record<string, unknown> | undefined {
  let parsed: unknown;
  try {
    parsed = JSON.parse(line);
  } catch (error) {
    if (error instanceof SyntaxError) return undefined;
    throw error;
  }
  return parsed !== null && typeof parsed === 'object' && !Array.isArray(parsed) ? (parsed as Record<string, unknown>) : undefined;
}

function stackOf(value: unknown): string | undefined {
  if (value === null || typeof value !== 'object') return undefined;
  const stack = (value as Record<string, unknown>)['stack'];
  return typeof stack === 'string' ? stack : undefined;
}

function stackless(value: unknown): unknown {
  if (stackOf(value) === undefined) return value;
  const { stack: _stack, ...rest } = value as Record<string, unknown>;
  return rest;
}
