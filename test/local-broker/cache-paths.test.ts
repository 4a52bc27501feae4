import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { kafkaLibsDir, resolveCacheDir, runRecordPath } from '../../src/local-broker/cache-paths.js';

describe('resolveCacheDir', () => {
  it('prefers CDC_STREAMS_CACHE, made absolute', () => {
    expect(resolveCacheDir({ CDC_STREAMS_CACHE: 'rel/cache', XDG_CACHE_HOME: '/xdg' }, '/home/u')).toBe(path.resolve('rel/cache'));
  });

  it('falls back to $XDG_CACHE_HOME/cdc-streams', () => {
    expect(resolveCacheDir({ XDG_CACHE_HOME: '/xdg' }, '/home/u')).toBe('/xdg/cdc-streams');
  });

  it('falls back to ~/.cache/cdc-streams, treating blank variables as unset', () => {
    expect(resolveCacheDir({ CDC_STREAMS_CACHE: ' ', XDG_CACHE_HOME: '' }, '/home/u')).toBe('/home/u/.cache/cdc-streams');
  });
});

describe('cache layout', () => {
  it('keeps the jars under kafka-<version>/libs and the CLI record under run/broker.json', () => {
    expect(kafkaLibsDir('/c')).toBe('/c/kafka-3.9.1/libs');
    expect(runRecordPath('/c')).toBe('/c/run/broker.json');
  });
});
