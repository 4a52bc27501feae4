import { createRequire, Module } from 'node:module';
import { recordsOutsideAbortedTransactions, type AbortedTransaction, type FetchedRecord } from './read-committed-filter.js';

/**
 * Fixes in kafkajs 2.2.4 that correctness depends on, put in place before kafkajs is loaded (import this
 * module before 'kafkajs': src/runtime/kafka/kafkajs.ts does). kafkajs' consumer takes its read_committed
 * filter with `require('./filterAbortedMessages')` when it loads; seeding Node's module cache with our
 * filter under that file's path makes the consumer use it, in this repository and in a project that
 * installed the package from npm alike (patches/ applies here only). If kafkajs was loaded before this
 * module, the cache already holds kafkajs' own filter and it is left as it is.
 */
const require = createRequire(import.meta.url);
const filterPath = require.resolve('kafkajs/src/consumer/filterAbortedMessages.js');

/** kafkajs' call: `filterAbortedMessages({ messages, abortedTransactions })`. */
function filterAbortedMessages({ messages, abortedTransactions }: { messages: readonly FetchedRecord[]; abortedTransactions?: readonly AbortedTransaction[] }): readonly FetchedRecord[] {
  return recordsOutsideAbortedTransactions(messages, abortedTransactions);
}

if (require.cache[filterPath] === undefined) {
  const module = new Module(filterPath);
  module.filename = filterPath;
  module.loaded = true;
  module.exports = filterAbortedMessages;
  require.cache[filterPath] = module;
}

/** Whether kafkajs' consumer reads with our read_committed filter (false: kafkajs was loaded first). */
export function readCommittedFilterInstalled(): boolean {
  return require.cache[filterPath]?.exports === filterAbortedMessages;
}
