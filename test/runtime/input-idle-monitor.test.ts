import { describe, expect, it } from 'vitest';
import { InputIdleMonitor } from '../../src/runtime/input-idle-monitor.js';
import { recordingLogger } from '../support/recording-logger.js';

function setup(idleMs = 60_000) {
  const logger = recordingLogger();
  let now = 0;
  const monitor = new InputIdleMonitor(logger, idleMs, ['dts.sale'], () => now);
  const at = (ms: number, read: number, ready = true): void => {
    now = ms;
    monitor.observe(new Map([['dts.sale', read], ['sale-orders-resequence-repartition', ms]]), ready);
  };
  return { logger, at };
}

describe('InputIdleMonitor', () => {
  it('warns once when a running application has read no input record for the idle time', () => {
    const { logger, at } = setup();
    at(0, 0);
    at(59_999, 0);
    expect(logger.lines).toEqual([]);
    at(60_000, 0);
    at(120_000, 0);
    expect(logger.lines.map((l) => [l.level, l.message, l.fields['inputTopics']])).toEqual([['warn', 'no input record read for 60 s', ['dts.sale']]]);
  });

  it('does not count the wait while not ready, and warns again only after input came and stopped again', () => {
    const { logger, at } = setup();
    at(0, 0, false);
    at(70_000, 0, false);
    at(100_000, 0);
    at(159_999, 0);
    expect(logger.lines).toEqual([]);
    at(160_000, 0);
    at(170_000, 5);
    at(229_999, 5);
    expect(logger.lines).toHaveLength(1);
    at(230_000, 5);
    expect(logger.lines).toHaveLength(2);
  });

  it('never warns when switched off with 0', () => {
    const { logger, at } = setup(0);
    at(0, 0);
    at(1_000_000, 0);
    expect(logger.lines).toEqual([]);
  });
});
