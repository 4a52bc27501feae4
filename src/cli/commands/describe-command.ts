import { Option, type Command } from 'commander';
import { readCliConfig } from '../cli-config.js';
import { formatTopologyProblems, loadTopology } from '../load-topology.js';
import { EXIT_FAILURE, type CommandContext } from '../program.js';
import { addTopologyOptions, topologySettingsFromFlags, type TopologyFlags } from '../topology-options.js';

const EXAMPLES = `
Examples:
  $ cdc-streams describe topologies/sale-orders.ts
  $ cdc-streams describe topologies/sale-orders.ts --format mermaid > topology.mmd
  $ cdc-streams describe my-topology.js --set paymentTimeoutMinutes=15

Exit codes: 0 described, 1 the file does not load or the topology is invalid (problems listed), 2 usage error.`;

/** `cdc-streams describe <topology>`: the processor graph as Kafka Streams-style text or a Mermaid flowchart. */
export function registerDescribeCommand(program: Command, { io, setExitCode }: CommandContext): void {
  addTopologyOptions(
    program
      .command('describe')
      .description('print the sub-topologies, nodes, topics and stores of a topology file')
      .argument('<topology>', 'a .ts or .js file whose default export is defineTopology({...})')
      .addOption(new Option('--format <format>', 'Kafka Streams-style text or a Mermaid flowchart').choices(['text', 'mermaid'] as const).default('text')),
  )
    .addHelpText('after', EXAMPLES)
    .action(async (file: string, flags: TopologyFlags & { format: 'text' | 'mermaid' }) => {
      const loaded = await loadTopology(file, topologySettingsFromFlags(flags, process.env, readCliConfig(flags)));
      if (!loaded.ok) {
        io.err(`${formatTopologyProblems(file, loaded.problems)}\n`);
        setExitCode(EXIT_FAILURE);
        return;
      }
      // Internal topics by the names they have on the broker (`sale-orders-dlq`), which `inspect` reads.
      const text = loaded.topology.describe({ format: flags.format, applicationId: loaded.definition.applicationId });
      io.out(text.endsWith('\n') ? text : `${text}\n`);
    });
}
