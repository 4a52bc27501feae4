import { closeSync, mkdtempSync, openSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
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

  it('writes human-readable lines when pretty, with the stack of an error below', () => {
    logTo({ pretty: true }).error('commit failed', { task: '0_1', err: new Error('broker gone') });
    const [head, stackStart] = readFileSync(file, 'utf8').split('\n');
    expect(head).toMatch(/^\d{4}-\d\d-\d\dT\S+ ERROR commit failed task=0_1 err=\{"type":"Error","message":"broker gone"\}$/);
    expect(stackStart).toBe('Error: broker gone');
  });
});
