/** An error as a log field: what went wrong first, where below, then what caused it. */
export interface SerializedError {
  readonly type: string;
  readonly message: string;
  readonly stack?: string;
  readonly code?: string;
  readonly retriable?: boolean;
  readonly cause?: SerializedError;
}

const MAX_CAUSES = 5;

/**
 * Each error of a cause chain keeps its own message (pino's serializer appends the causes' messages
 * to every level, and ours already quote their cause: the text came out twice).
 */
export function serializeError(error: unknown, depth = 0): SerializedError {
  if (!(error instanceof Error)) return { type: typeof error, message: String(error) };
  const { code, retriable } = error as Error & { code?: unknown; retriable?: unknown };
  return {
    type: error.name,
    message: error.message,
    ...(error.stack === undefined ? {} : { stack: error.stack }),
    ...(typeof code === 'string' ? { code } : {}),
    ...(typeof retriable === 'boolean' ? { retriable } : {}),
    ...(error.cause === undefined || depth >= MAX_CAUSES ? {} : { cause: serializeError(error.cause, depth + 1) }),
  };
}
