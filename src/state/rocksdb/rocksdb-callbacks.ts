/**
 * Turns one callback-style binding call into a promise. The binding reports "not found" and other
 * failures through the same error argument, so callers classify errors themselves.
 */
export function callbackToPromise(call: (done: (error: Error | null | undefined) => void) => void): Promise<void> {
  return new Promise((resolve, reject) => {
    call((error) => (error ? reject(error) : resolve()));
  });
}

export function callbackToValue<T>(call: (done: (error: Error | null | undefined, value?: T) => void) => void): Promise<T | undefined> {
  return new Promise((resolve, reject) => {
    call((error, value) => (error ? reject(error) : resolve(value)));
  });
}

/** abstract-leveldown signals a missing key with an error whose message starts with "NotFound". */
export function isNotFound(error: unknown): boolean {
  return error instanceof Error && error.message.startsWith('NotFound');
}
