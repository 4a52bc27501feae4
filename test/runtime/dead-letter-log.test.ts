import { describe, expect, it } from 'vitest';
import { deadLetterHeaders } from '../../src/common/dead-letter-headers.js';
import { DeadLetterLog } from '../../src/runtime/dead-letter-log.js';
import type { OutputRecord } from '../../src/runtime/task/input-record.js';
import { recordingLogger } from '../support/recording-logger.js';

const deadLetter = (offset: number, reason = 'not a DTS Envelope at dts.sale/1@7: invalid wire type 7'): OutputRecord => ({
  topic: 'sale-orders-dlq',
  partition: 1,
  key: null,
  value: Buffer.from('x'),
  timestamp: 0,
  headers: deadLetterHeaders({}, { topic: 'dts.sale', partition: 1, offset: String(offset) }, 'UndecodableMessageError', reason),
});

describe('DeadLetterLog', () => {
  it('logs one warn line per dead letter naming the source record, why, and where it went', () => {
    const logger = recordingLogger();
    new DeadLetterLog(logger).record(deadLetter(7));
    expect(logger.lines).toEqual([
      {
        level: 'warn',
        message: 'record sent to the dead-letter topic',
        fields: {
          topic: 'dts.sale',
          partition: 1,
          offset: '7',
          reason: 'not a DTS Envelope at dts.sale/1@7: invalid wire type 7',
          errorClass: 'UndecodableMessageError',
          deadLetterTopic: 'sale-orders-dlq',
        },
      },
    ]);
  });

  it('logs at most the limit per window and then how many it left out, when the next window begins', () => {
    const logger = recordingLogger();
    let now = 1_000_000;
    const log = new DeadLetterLog(logger, { maxLinesPerWindow: 2, windowMs: 60_000, clock: () => now });
    for (let offset = 0; offset < 5; offset++) log.record(deadLetter(offset));
    expect(logger.lines.map((l) => l.fields['offset'])).toEqual(['0', '1']);
    now += 60_000;
    log.record(deadLetter(5));
    expect(logger.lines.slice(2).map((l) => [l.message, l.fields['skipped'] ?? l.fields['offset']])).toEqual([
      ['3 more dead letters not logged one by one', 3],
      ['record sent to the dead-letter topic', '5'],
    ]);
  });
});
