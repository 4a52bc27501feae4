import { createLogger, type LogLevel, type Logger } from '../index.js';

export const LOG_LEVELS = ['debug', 'info', 'warn', 'error', 'silent'] as const satisfies readonly LogLevel[];
export type { LogLevel };

/** Logs for commands that run for a while: JSON lines on stderr, human-readable when stderr is a terminal. */
export function createCliLogger(level: LogLevel): Logger {
  return createLogger({ level, pretty: process.stderr.isTTY === true });
}
