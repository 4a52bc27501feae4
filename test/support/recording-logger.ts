import type { Logger } from '../../src/common/logger.js';

export interface LoggedLine {
  readonly level: 'debug' | 'info' | 'warn' | 'error';
  readonly message: string;
  /** The context merged over the bindings of the child loggers it was written through. */
  readonly fields: Readonly<Record<string, unknown>>;
}

/** A Logger that keeps every line in `lines`, for tests that check what was logged. */
export function recordingLogger(lines: LoggedLine[] = [], bindings: Readonly<Record<string, unknown>> = {}): Logger & { readonly lines: LoggedLine[] } {
  const at = (level: LoggedLine['level']) => (message: string, context?: Readonly<Record<string, unknown>>) => {
    lines.push({ level, message, fields: { ...bindings, ...context } });
  };
  return {
    lines,
    debug: at('debug'),
    info: at('info'),
    warn: at('warn'),
    error: at('error'),
    child: (more) => recordingLogger(lines, { ...bindings, ...more }),
  };
}
