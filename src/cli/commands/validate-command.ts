import type { Command } from 'commander';
import { readCliConfig } from '../cli-config.js';
import { formatTopologyProblems, loadTopology } from '../load-topology.js';
import { EXIT_FAILURE, type CommandContext } from '../program.js';
import { addTopologyOptions, topologySettingsFromFlags, type TopologyFlags } from '../topology-options.js';

const EXAMPLES = `
Examples:
  $ cdc-streams validate topologies/sale-orders.ts
  valid: 2 sub-topologies, 5 stores

Exit codes: 0 valid, 1 invalid (each problem names its node, store or topic) or the file does not load, 2 usage error.`;

/** `cdc-streams validate <topology>`: builds the topology without running it and lists what is wrong. */
export function registerValidateCommand(program: Command, { io, setExitCode }: CommandContext): void {
  addTopologyOptions(
    program
      .command('validate')
      .description('check that a topology file loads and its graph can run (sources, stores, cycles, topics)')
      .argument('<topology>', 'a .ts or .js file whose default export is defineTopology({...})'),
  )
    .addHelpText('after', EXAMPLES)
    .action(async (file: string, flags: TopologyFlags) => {
      const loaded = await loadTopology(file, topologySettingsFromFlags(flags, process.env, readCliConfig(flags)));
      if (!loaded.ok) {
        io.out(`${formatTopologyProblems(file, loaded.problems)}\n`);
        setExitCode(EXIT_FAILURE);
        return;
      }
      const subs = loaded.topology.subTopologies.length;
      const stores = loaded.topology.stores.size;
      io.out(`valid: ${subs} sub-topolog${subs === 1 ? 'y' : 'ies'}, ${stores} store${stores === 1 ? '' : 's'}\n`);
    });
}
