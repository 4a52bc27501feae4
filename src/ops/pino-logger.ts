import { pino, type DestinationStream, type Logger as PinoLogger } from 'pino';
import type { Logger } from '../common/logger.js';
import { serializeError } from './log-error.js';
import { formatPrettyLine } from './pretty-log-line.js';

export type LogLevel = 'debug' | 'info' | 'warn' | 'error' | 'silent';

export interface LoggerOptions {
  readonly level?: LogLevel;
  /** Human-readable lines instead of JSON; for a terminal, not for log shipping. */
  readonly pretty?: boolean;
  /** File descriptor to write to; default 2 (stderr), so stdout stays free for command output. */
  readonly destination?: number;
}

const STDERR_FD = 2;

/** A `Logger` backed by pino: one JSON object per line, level as a label, ISO timestamps. */
export function createLogger(options: LoggerOptions = {}): Logger {
  // Synchronous writes: a CLI that exits (or crashes) right after logging must not lose the line.
  const fd = pino.destination({ dest: options.destination ?? STDERR_FD, sync: true });
  const stream: DestinationStream = options.pretty === true ? { write: (line) => fd.write(formatPrettyLine(line)) } : fd;
  const root = pino(
    {
      level: options.level ?? 'info',
      timestamp: pino.stdTimeFunctions.isoTime,
      formatters: { level: (label) => ({ level: label }) },
      // Errors are serialized by wrap(), under any key; pino's own `err` serializer would redo it.
      serializers: { err: (value: unknown) => value },
    },
    stream,
  );
  return wrap(root, new Map());
}

/**
 * Adapts pino to `Logger`. Any `Error` in a context becomes `{type, message, stack, code?, cause?}`,
 * whatever its key. A context key that a `child(...)` already bound to the same value is left out:
 * pino would write the field twice.
 */
function wrap(target: PinoLogger, bound: ReadonlyMap<string, unknown>): Logger {
  const fields = (context: Readonly<Record<string, unknown>> | undefined): Record<string, unknown> => {
    const out: Record<string, unknown> = {};
    if (context === undefined) return out;
    for (const [key, value] of Object.entries(context)) {
      if (bound.has(key) && Object.is(bound.get(key), value)) continue;
      out[key] = value instanceof Error ? serializeError(value) : value;
    }
    return out;
  };
  return {
    debug: (message, context) => target.debug(fields(context), message),
    info: (message, context) => target.info(fields(context), message),
    warn: (message, context) => target.warn(fields(context), message),
    error: (message, context) => target.error(fields(context), message),
    child: (bindings) => wrap(target.child(fields(bindings)), new Map([...bound, ...Object.entries(bindings)])),
  };
}
