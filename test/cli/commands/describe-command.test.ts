import { describe, expect, it } from 'vitest';
import { registerDescribeCommand } from '../../../src/cli/commands/describe-command.js';
import { EXIT_FAILURE, EXIT_OK, EXIT_USAGE } from '../../../src/cli/program.js';
import { runCommands } from '../run-commands.js';

const describeCli = (...args: string[]) => runCommands([registerDescribeCommand], 'describe', ...args);
const FIXTURE = 'test/fixtures/topologies/uppercase-with-store.ts';

describe('cdc-streams describe', () => {
  it('prints the sub-topology with its source, processor store and sink topic as text', async () => {
    const result = await describeCli(FIXTURE);
    expect(result.code).toBe(EXIT_OK);
    expect(result.out).toMatch(/Sub-topology: 0/);
    expect(result.out).toMatch(/Source: .* \(topics: \[in\]\)/);
    expect(result.out).toMatch(/Processor: .* \(stores: \[seen\]\)/);
    expect(result.out).toMatch(/Sink: .* \(topic: out\)/);
  });

  it('names internal topics as they are on the broker: <applicationId>-<name>', async () => {
    const result = await describeCli('topologies/sale-orders.ts');
    expect(result.out).toContain('Sink: cdc-dts.sale-dead-letters (topic: sale-orders-dlq)');
    expect(result.out).toContain('Source: resequence-source (topics: [sale-orders-resequence-repartition])');
    const mermaid = await describeCli('topologies/sale-orders.ts', '--format', 'mermaid');
    expect(mermaid.out).toContain('topic_dlq{{"sale-orders-dlq (internal)"}}');
  });

  it('prints a Mermaid flowchart with --format mermaid', async () => {
    const result = await describeCli(FIXTURE, '--format', 'mermaid');
    expect(result.code).toBe(EXIT_OK);
    expect(result.out.startsWith('flowchart')).toBe(true);
  });

  it('exits 2 naming an unknown format', async () => {
    const result = await describeCli(FIXTURE, '--format', 'dot');
    expect(result.code).toBe(EXIT_USAGE);
    expect(result.err).toContain("argument 'dot' is invalid. Allowed choices are text, mermaid.");
  });

  it('exits 1 with the problems of an invalid topology instead of a description', async () => {
    const result = await describeCli('test/fixtures/topologies/unknown-store.ts');
    expect(result.code).toBe(EXIT_FAILURE);
    expect(result.out).toBe('');
    expect(result.err).toContain("processor 'uses-missing' uses store 'missing-store'");
  });
});
