// Every test file, as every cdc-streams process, reads with our fixes to kafkajs (src/runtime/kafka/
// kafkajs-fixes.ts): a test that imports kafkajs before any source module would otherwise get kafkajs'
// own read_committed filter for the whole worker.
import '../../src/runtime/kafka/kafkajs-fixes.js';
