// Canal flat-message JSON (`canal.mq.flatMessage=true`): decoding to ChangeEvents.
export { CanalDecodeError } from './canal-errors.js';
export { decodeCanalMessage, type CanalMessage, type CanalOptions } from './canal-decode.js';
