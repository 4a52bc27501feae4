import { describe, expect, it } from 'vitest';
import { parseAppConfig } from '../../src/runtime/app-config.js';

const base = { applicationId: 'app', kafka: { brokers: ['k:9092'] } };

describe('parseAppConfig advertisedEndpoint', () => {
  it.each(['host-a.internal:8080', '10.0.0.7:8080', '[::1]:8080'])('takes %s (host:port, the form the group shares)', (endpoint) => {
    expect(parseAppConfig({ ...base, advertisedEndpoint: endpoint }).advertisedEndpoint).toBe(endpoint);
  });

  it.each(['http://host-a:8080', 'host-a', 'host-a:', 'host a:8080', 'host-a:8080/stores'])('refuses %s, saying the form it needs', (endpoint) => {
    expect(() => parseAppConfig({ ...base, advertisedEndpoint: endpoint })).toThrow(/advertisedEndpoint.*must be host:port/);
  });
});
