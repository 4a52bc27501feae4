import { closeSync, mkdtempSync, openSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { CdcStreamsError } from '../../src/common/errors.js';
import { createLogger, type LoggerOptions } from '../../src/ops/pino-logger.js';

describe('createLogger', () => {
  let dir: string;
  let file: string;
  let fd: number;

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'cdc-logger-'));
    file = join(dir, 'log');
    fd = openSync(file, 'w');
  });

  afterEach(() => {
    closeSync(fd);
    rmSync(dir, { recursive: true, force: true });
  });

  function logTo(options: Omit<LoggerOptions, 'destination'> = {}) {
    return createLogger({ ...options, destination: fd });
  }

  function jsonLines(): Array<Record<string, unknown>> {
    return readFileSync(file, 'utf8').trim().split('\n').filter(Boolean).map((line) => JSON.parse(line) as Record<string, unknown>);
  }

  it('writes one JSON object per line with level label, message, time and context', () => {
    logTo().info('task started', { task: '0_1', partition: 1 });
    const [line] = jsonLines();
    expect(line).toMatchObject({ level: 'info', msg: 'task started', task: '0_1', partition: 1 });
    expect(typeof line?.['time']).toBe('string');
  });

  it('drops messages below the configured level', () => {
    const logger = logTo({ level: 'warn' });
    logger.debug('d');
    logger.info('i');
    logger.warn('w');
    logger.error('e');
    expect(jsonLines().map((line) => line['msg'])).toEqual(['w', 'e']);
  });

  it('writes nothing at level silent', () => {
    logTo({ level: 'silent' }).error('e');
    expect(readFileSync(file, 'utf8')).toBe('');
  });

  it('adds the bindings of a child to each of its lines, and nests children', () => {
    logTo().child({ component: 'runtime' }).child({ task: '0_0' }).warn('slow commit', { ms: 900 });
    expect(jsonLines()[0]).toMatchObject({ component: 'runtime', task: '0_0', msg: 'slow commit', ms: 900, level: 'warn' });
  });

  it('serializes an error under err or error with its message and stack', () => {
    const logger = logTo();
    logger.error('failed', { err: new Error('boom') });
    logger.error('failed', { error: new Error('bang') });
    const [first, second] = jsonLines();
    expect(first?.['err']).toMatchObject({ type: 'Error', message: 'boom', stack: expect.stringContaining('boom') });
    expect(second?.['error']).toMatchObject({ type: 'Error', message: 'bang' });
  });

  it('writes a field bound by a child once, even when a context repeats it', () => {
    logTo().child({ applicationId: 'sale-orders' }).info('application started', { applicationId: 'sale-orders', guarantee: 'exactly_once' });
    const text = readFileSync(file, 'utf8');
    expect(text.match(/"applicationId"/g)).toHaveLength(1);
    expect(jsonLines()[0]).toMatchObject({ applicationId: 'sale-orders', guarantee: 'exactly_once' });
  });

  it('writes an error under any key as {type, message, stack}, each cause with its own message once', () => {
    const cause = new Error('broker gone');
    logTo().error('application failed', { failure: new Error('processing t/0 failed: broker gone', { cause }) });
    const failure = jsonLines()[0]?.['failure'] as Record<string, unknown>;
    expect(failure).toMatchObject({
      type: 'Error',
      message: 'processing t/0 failed: broker gone',
      stack: expect.stringContaining('processing t/0 failed'),
      cause: { type: 'Error', message: 'broker gone', stack: expect.stringContaining('broker gone') },
    });
  });

  it('writes the code and retriable flag of a CdcStreamsError', () => {
    logTo().warn('retrying', { err: new CdcStreamsError('registry unreachable', { code: 'REGISTRY_UNAVAILABLE', retriable: true }) });
    expect(jsonLines()[0]?.['err']).toMatchObject({ type: 'CdcStreamsError', code: 'REGISTRY_UNAVAILABLE', retriable: true });
  });

  it('writes human-readable lines when pretty, with the stack of an error below', () => {
    logTo({ pretty: true }).error('commit failed', { task: '0_1', err: new Error('broker gone') });
    const [head, stackStart] = readFileSync(file, 'utf8').split('\n');
    expect(head).toMatch(/^\d{4}-\d\d-\d\dT\S+ ERROR commit failed task=0_1 err=\{"type":"Error","message":"broker gone"\}$/);
    expect(stackStart).toBe('Error: broker gone');
  });

  it('when pretty, puts the one-line account first and every stack below it, causes after', () => {
    const cause = new Error('connection refused');
    logTo({ pretty: true }).error('application failed', { err: new Error('commit failed', { cause }), detail: 'first line\nsecond line' });
    const lines = readFileSync(file, 'utf8').split('\n');
    expect(lines[0]).toMatch(/ ERROR application failed err=\{"type":"Error","message":"commit failed","cause":\{"type":"Error","message":"connection refused"\}\} detail=first line …$/);
    expect(lines[1]).toBe('Error: commit failed');
    expect(lines).toContain('caused by: Error: connection refused');
    expect(lines).toContain('second line');
  });
});
