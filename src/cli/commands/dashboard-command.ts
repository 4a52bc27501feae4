import type { Command } from 'commander';
import { EXIT_FAILURE, type CommandContext } from '../program.js';

const EXAMPLES = `
Examples:
  $ cdc-streams dashboard --connect http://localhost:8080
  $ cdc-streams dashboard --connect host-a:8080

Checks that the instance (started with \`run --http-port\`) answers and prints its dashboard's URL,
to open in a browser. The dashboard shows that one instance; each instance serves its own.
Exit codes: 0 it answers, 1 unreachable or not a cdc-streams ops server, 2 usage error.`;

const TIMEOUT_MS = 5000;

/** `cdc-streams dashboard --connect <url>`: the URL of a running instance's web dashboard, checked. */
export function registerDashboardCommand(program: Command, { io, setExitCode }: CommandContext): void {
  program
    .command('dashboard')
    .description("print the web dashboard URL of a running instance, after checking that it answers")
    .requiredOption('--connect <url>', "the instance's ops server, e.g. http://localhost:8080 (the --http-port of run)")
    .addHelpText('after', EXAMPLES)
    .action(async (flags: { connect: string }) => {
      const base = (/^https?:\/\//.test(flags.connect) ? flags.connect : `http://${flags.connect}`).replace(/\/+$/, '');
      let overview: { applicationId?: unknown; state?: unknown };
      let pageStatus: number;
      try {
        const response = await fetch(`${base}/api/overview`, { signal: AbortSignal.timeout(TIMEOUT_MS) });
        if (!response.ok) throw new Error(`GET /api/overview answered ${response.status}; is this a cdc-streams ops server?`);
        overview = (await response.json()) as typeof overview;
        pageStatus = (await fetch(`${base}/`, { signal: AbortSignal.timeout(TIMEOUT_MS) })).status;
      } catch (error) {
        io.err(`cannot reach the dashboard at ${base}: ${error instanceof Error ? error.message : String(error)}\n`);
        setExitCode(EXIT_FAILURE);
        return;
      }
      if (pageStatus !== 200) io.err(`warning: ${base}/ answered ${pageStatus}: that instance's page is not built (npm run build); its JSON under /api/ works\n`);
      io.err(`${String(overview.applicationId)} is ${String(overview.state)}; open the dashboard at:\n`);
      io.out(`${base}/\n`);
    });
}
