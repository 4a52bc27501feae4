import { describe, expect, it } from 'vitest';
import { CdcStreamsError, ConfigError, describeCoordinates } from '../../src/common/errors.js';

describe('CdcStreamsError', () => {
  it('keeps its code, retriable flag and cause, and is named after its subclass', () => {
    const cause = new Error('underlying');
    const error = new ConfigError('bad brokers', cause);
    expect(error).toBeInstanceOf(CdcStreamsError);
    expect(error.name).toBe('ConfigError');
    expect(error.code).toBe('CONFIG');
    expect(error.retriable).toBe(false);
    expect(error.cause).toBe(cause);
  });

  it('describes record coordinates as topic/partition@offset', () => {
    expect(describeCoordinates({ topic: 'dts.sale', partition: 3, offset: '42' })).toBe('dts.sale/3@42');
    expect(describeCoordinates(undefined)).toBe('unknown position');
  });
});
