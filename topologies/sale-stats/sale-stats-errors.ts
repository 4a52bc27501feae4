import { CdcStreamsError } from 'cdc-streams';

/** A value the sale statistics cannot count (an amount that is not a two-decimal number), or a bad `--set` parameter. */
export class SaleStatsError extends CdcStreamsError {
  constructor(message: string) {
    super(message, { code: 'SALE_STATS' });
  }
}
