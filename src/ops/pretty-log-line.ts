const RESERVED = new Set(['level', 'time', 'msg', 'pid', 'hostname']);

/**
 * Turns one pino JSON line into `time LEVEL message key=value ...`, with error stacks (and their
 * causes') on the lines below: the one-line account first, the detail after. Written here rather than
 * taken from pino-pretty so that `pretty` needs no extra dependency; a line that is not a JSON object
 * passes through unchanged rather than being lost.
 */
export function formatPrettyLine(line: string): string {
  const record = parseObject(line);
  if (record === undefined) return line;
  const fields: string[] = [];
  const stacks: string[] = [];
  for (const [key, value] of Object.entries(record)) {
    if (RESERVED.has(key)) continue;
    stacks.push(...stacksOf(value));
    if (typeof value === 'string' && value.includes('\n')) {
      // A multi-line text (a stack passed as a string) would break the head line: its first line stays.
      fields.push(`${key}=${value.slice(0, value.indexOf('\n'))} …`);
      stacks.push(value);
    } else {
      fields.push(`${key}=${typeof value === 'string' ? value : JSON.stringify(stackless(value))}`);
    }
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

function isObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

/** The stack of a serialized error, then its causes' stacks. */
function stacksOf(value: unknown, depth = 0): string[] {
  if (!isObject(value)) return [];
  const stack = value['stack'];
  const own = typeof stack === 'string' ? [depth === 0 ? stack : `caused by: ${stack}`] : [];
  return [...own, ...stacksOf(value['cause'], depth + 1)];
}

function stackless(value: unknown): unknown {
  if (!isObject(value) || (value['stack'] === undefined && value['cause'] === undefined)) return value;
  const { stack: _stack, cause, ...rest } = value;
  return cause === undefined ? rest : { ...rest, cause: stackless(cause) };
}
