// The fixes first: kafkajs' modules take what they require when they load (kafkajs-fixes.ts). ES
// modules are evaluated in the order they are imported, so kafkajs loads after them.
import './kafkajs-fixes.js';
import kafkajs from 'kafkajs';

/** kafkajs, loaded after our fixes to it: the runtime's modules import its values from here, types from 'kafkajs'. */
export { Kafka, logLevel, AssignerProtocol } from 'kafkajs';
export default kafkajs;
