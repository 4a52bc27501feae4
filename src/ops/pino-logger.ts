import { pino, type DestinationStream, type Logger as PinoLogger } from 'pino';
import type { Logger } from '../common/logger.js';
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
      // Callers put errors under either name; both get message, type and stack instead of `{}`.
      serializers: { err: pino.stdSerializers.err, error: pino.stdSerializers.err },
    },
    stream,
  );
  return wrap(root);
}

function wrap(target: PinoLogger): Logger {
  return {
    debug: (message, context) => target.debug(context ?? {}, message),
    info: (message, context) => target.info(context ?? {}, message),
    warn: (message, context) => target.warn(context ?? {}, message),
    error: (message, context) => target.error(context ?? {}, message),
    child: (bindings) => wrap(target.child(bindings)),
  };
}
