import { CdcStreamsError } from '../index.js';

/** A ground-truth file that is not what `writeGroundTruth` writes; names the file and line. */
export class GroundTruthFormatError extends CdcStreamsError {
  constructor(message: string, cause?: unknown) {
    super(message, { code: 'SIM_GROUND_TRUTH_FORMAT', cause });
  }
}

/** The simulator reached a state its model forbids: a bug in the simulator, never bad input. */
export class SimulatorInvariantError extends CdcStreamsError {
  constructor(message: string) {
    super(message, { code: 'SIM_INVARIANT' });
  }
}
