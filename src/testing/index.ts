// The public testing entry, `cdc-streams/testing`: run a topology in-process, without a broker.
export { TopologyTestDriver, TestDriverError, type TopologyTestDriverOptions } from './topology-test-driver.js';
export type { TestRecord, PipeOptions } from './test-record.js';
export { UnknownTopicError } from './in-memory-topics.js';
