/**
 * `stream-time` punctuation advances with the timestamps of the task's input records (never with the
 * clock), so it is deterministic in tests; `wall-clock` follows the system clock (or the test driver's).
 */
export type PunctuationType = 'stream-time' | 'wall-clock';

export type Punctuator = (timestamp: number) => void | Promise<void>;

export interface Cancellable {
  cancel(): void;
}
