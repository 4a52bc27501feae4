import { describe, expect, it } from 'vitest';
import { registerValidateCommand } from '../../../src/cli/commands/validate-command.js';
import { EXIT_FAILURE, EXIT_OK, EXIT_USAGE } from '../../../src/cli/program.js';
import { runCommands } from '../run-commands.js';

const validate = (...args: string[]) => runCommands([registerValidateCommand], 'validate', ...args);

describe('cdc-streams validate', () => {
  it('exits 0 and counts sub-topologies and stores of a valid topology', async () => {
    const result = await validate('test/fixtures/topologies/uppercase-with-store.ts');
    expect(result).toMatchObject({ code: EXIT_OK, out: 'valid: 1 sub-topology, 1 store\n' });
  });

  it('exits 1 listing each problem of an invalid topology', async () => {
    const result = await validate('test/fixtures/topologies/unknown-store.ts');
    expect(result.code).toBe(EXIT_FAILURE);
    expect(result.out).toBe(
      "invalid topology test/fixtures/topologies/unknown-store.ts: 1 problem\n  - processor 'uses-missing' uses store 'missing-store', which is not defined\n",
    );
  });

  it('exits 1 with one line for a file that does not exist', async () => {
    const result = await validate('test/fixtures/topologies/nope.ts');
    expect(result.code).toBe(EXIT_FAILURE);
    expect(result.err).toBe("cdc-streams: topology file 'test/fixtures/topologies/nope.ts' not found\n");
  });

  it('exits 2 naming a --set key the topology does not read, and the keys it does read', async () => {
    const result = await validate('topologies/sale-orders.ts', '--set', 'paymentTimeoutMinute=15');
    expect(result.code).toBe(EXIT_USAGE);
    expect(result.err).toBe(
      "cdc-streams: unknown topology parameter 'paymentTimeoutMinute' (--set): topologies/sale-orders.ts reads holdPolicy, paymentTimeoutMinutes, maxHoldMs, format, inputTopic, topicPrefix, heartbeatTopic, outputTopic, projectColumns, sourceTimeZone\n",
    );
  });

  it('accepts the --set keys the topology reads', async () => {
    const result = await validate('topologies/sale-orders.ts', '--set', 'paymentTimeoutMinutes=15', '--set', 'holdPolicy=wait');
    expect(result).toMatchObject({ code: EXIT_OK, out: 'valid: 2 sub-topologies, 5 stores\n' });
  });

  it('exits 2 for a --schema-registry that is not an http(s) URL, before building anything', async () => {
    const result = await validate('topologies/sale-orders.ts', '--schema-registry', 'notaurl');
    expect(result.code).toBe(EXIT_USAGE);
    expect(result.err).toBe("cdc-streams: --schema-registry 'notaurl' is not an http:// or https:// URL\n");
  });

  it('exits 2 for a --set that is not key=value', async () => {
    const result = await validate('test/fixtures/topologies/uppercase-with-store.ts', '--set', 'novalue');
    expect(result.code).toBe(EXIT_USAGE);
    expect(result.err).toContain("'novalue' is not key=value");
  });
});
