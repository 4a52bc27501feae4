import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { readCliConfig } from '../../src/cli/cli-config.js';
import { CliUsageError } from '../../src/cli/cli-errors.js';
import { appConfigFrom } from '../../src/cli/commands/run-command.js';
import { connectionFromFlags } from '../../src/cli/connection-options.js';
import { topologySettingsFromFlags } from '../../src/cli/topology-options.js';
import { parseAppConfig } from '../../src/runtime/app-config.js';

describe('the config file', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'cdc-config-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  const write = (name: string, text: string): string => {
    const path = join(dir, name);
    writeFileSync(path, text);
    return path;
  };

  it('is read from cdc-streams.config.yaml in the working directory, typed by the app config schema', () => {
    write('cdc-streams.config.yaml', 'kafka:\n  brokers: [kafka-1:9092, kafka-2:9092]\nprocessingGuarantee: exactly_once\ncommitIntervalMs: 250\nparams:\n  paymentTimeoutMinutes: "15"\n');
    expect(readCliConfig({}, dir)).toEqual({
      kafka: { brokers: ['kafka-1:9092', 'kafka-2:9092'] },
      processingGuarantee: 'exactly_once',
      commitIntervalMs: 250,
      params: { paymentTimeoutMinutes: '15' },
    });
  });

  it('is read from the file --config names, JSON or YAML, and is empty when there is none', () => {
    const file = write('prod.json', JSON.stringify({ replicationFactor: 3, schemaRegistryUrl: 'http://registry:8081' }));
    expect(readCliConfig({ config: file }, dir)).toEqual({ replicationFactor: 3, schemaRegistryUrl: 'http://registry:8081' });
    expect(readCliConfig({}, dir)).toEqual({});
  });

  it('names a misspelt key, at any depth, and a value of the wrong kind', () => {
    const typo = write('typo.yaml', 'kafka:\n  broker: [a:1]\n');
    expect(() => readCliConfig({ config: typo }, dir)).toThrow(/config file '.*typo\.yaml': kafka: Unrecognized key: "broker"/);
    const badValue = write('bad.json', '{"processingGuarantee":"twice","schemaRegistryUrl":"notaurl"}');
    expect(() => readCliConfig({ config: badValue }, dir)).toThrow(/processingGuarantee: .*; schemaRegistryUrl: must be an http:\/\/ or https:\/\/ URL/);
  });

  it('is a usage error when it does not parse, or when two config files are found', () => {
    const broken = write('broken.json', '{');
    expect(() => readCliConfig({ config: broken }, dir)).toThrow(CliUsageError);
    write('cdc-streams.config.json', '{}');
    write('cdc-streams.config.yaml', '{}');
    expect(() => readCliConfig({}, dir)).toThrow(/more than one config file/);
  });

  it('gives way to environment variables, and both to flags', () => {
    const config = { kafka: { brokers: ['file:9092'], clientId: 'from-file' }, schemaRegistryUrl: 'http://file:8081', params: { a: '1', b: '2' } };
    expect(connectionFromFlags({}, {}, config)).toMatchObject({ brokers: ['file:9092'], clientId: 'from-file' });
    expect(connectionFromFlags({}, { KAFKA_BROKERS: 'env:9092' }, config).brokers).toEqual(['env:9092']);
    expect(connectionFromFlags({ brokers: 'flag:9092' }, { KAFKA_BROKERS: 'env:9092' }, config).brokers).toEqual(['flag:9092']);
    expect(topologySettingsFromFlags({ set: { b: '3' } }, {}, config)).toEqual({ schemaRegistryUrl: 'http://file:8081', params: { a: '1', b: '3' } });
    expect(topologySettingsFromFlags({}, { SCHEMA_REGISTRY_URL: 'http://env:8081' }, config).schemaRegistryUrl).toBe('http://env:8081');
  });

  it('configures `run` under its flags, including what has no flag, and StreamsApp accepts the result', () => {
    const file = { processingGuarantee: 'exactly_once', replicationFactor: 3, taskConcurrency: 2, errorPolicies: { deserialization: 'dead-letter' } } as const;
    const input = appConfigFrom({ replicationFactor: 1, advertisedEndpoint: 'host-a:8080' }, file, 'sale-orders', { brokers: ['k:9092'] });
    expect(parseAppConfig(input)).toMatchObject({
      applicationId: 'sale-orders',
      processingGuarantee: 'exactly_once',
      replicationFactor: 1,
      advertisedEndpoint: 'host-a:8080',
      taskConcurrency: 2,
      errorPolicies: { deserialization: 'dead-letter', processing: 'fail' },
    });
  });

  it('takes --session-timeout-ms over the file, and the default session timeout is 10 s', () => {
    const fromFlag = appConfigFrom({ sessionTimeoutMs: 7000 }, { sessionTimeoutMs: 45_000 }, 'sale-orders', { brokers: ['k:9092'] });
    expect(parseAppConfig(fromFlag).sessionTimeoutMs).toBe(7000);
    expect(parseAppConfig(appConfigFrom({}, {}, 'sale-orders', { brokers: ['k:9092'] })).sessionTimeoutMs).toBe(10_000);
  });

  it('takes --broker-loss-timeout-ms over the file; the default rides out 5 minutes and 0 turns it off', () => {
    const fromFlag = appConfigFrom({ brokerLossTimeoutMs: 0 }, { brokerLossTimeoutMs: 60_000 }, 'sale-orders', { brokers: ['k:9092'] });
    expect(parseAppConfig(fromFlag).brokerLossTimeoutMs).toBe(0);
    expect(parseAppConfig(appConfigFrom({}, { brokerLossTimeoutMs: 60_000 }, 'sale-orders', { brokers: ['k:9092'] })).brokerLossTimeoutMs).toBe(60_000);
    expect(parseAppConfig(appConfigFrom({}, {}, 'sale-orders', { brokers: ['k:9092'] })).brokerLossTimeoutMs).toBe(300_000);
    expect(() => parseAppConfig(appConfigFrom({ brokerLossTimeoutMs: -1 }, {}, 'sale-orders', { brokers: ['k:9092'] }))).toThrow(/brokerLossTimeoutMs/);
  });

  it("refuses a session timeout below the broker's 6 s floor (group.min.session.timeout.ms)", () => {
    expect(() => parseAppConfig(appConfigFrom({ sessionTimeoutMs: 3000 }, {}, 'sale-orders', { brokers: ['k:9092'] }))).toThrow(/sessionTimeoutMs/);
  });
});
