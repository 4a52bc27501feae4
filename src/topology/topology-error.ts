import { CdcStreamsError } from '../common/errors.js';

/** A topology that cannot run: the message names the offending node, store or topic. */
export class TopologyError extends CdcStreamsError {
  constructor(message: string) {
    super(message, { code: 'TOPOLOGY_INVALID' });
  }
}
