import { Option, type Command } from 'commander';
import { formatVerification, OrderEventVerifier, readGroundTruth } from '../../sim/index.js';
import { readTopic } from '../../kafka-tools/index.js';
import { readCliConfig } from '../cli-config.js';
import { addConnectionOptions, connectionFromFlags, type ConnectionFlags } from '../connection-options.js';
import { SHIPPED_SCHEMAS_DIR } from '../package-paths.js';
import { schemaRegistryUrlFrom } from '../topology-options.js';
import { integerOption } from '../option-parsers.js';
import { createOrderEventDecoder, toOutputOrderEvent } from '../order-event-avro.js';
import { EXIT_FAILURE, type CommandContext } from '../program.js';
import { startProgress } from '../progress.js';
import { DEFAULT_SALE_STATS_TOPIC, DEFAULT_SALE_TOTALS_TOPIC, verifySaleStats } from './verify-sale-stats.js';

const DEFAULT_ORDER_EVENTS_TOPIC = 'sale.order-events';

const EXAMPLES = `
Examples:
  $ cdc-streams verify
  $ cdc-streams verify --topic sale.order-events --ground-truth truth.jsonl --idle-ms 10000
  $ cdc-streams verify --schema-registry http://localhost:8081

  $ cdc-streams verify --sale-stats

Reads the whole topic with read_committed until it has reached the end and nothing new came for
--idle-ms, then compares every event with the ground truth written by \`cdc-streams simulate\`.
With --sale-stats it checks topologies/sale-stats.ts instead: every per-minute record on --topic
(default ${DEFAULT_SALE_STATS_TOPIC}) and the last update per product on --totals-topic, against the
statistics the ground truth's order events imply.

Exit codes: 0 the output matches, 1 any difference (or an undecodable record, or a failure), 2 usage error.`;

/** How many undecodable records are named in the report; the rest are only counted. */
const SHOWN_DECODE_ERRORS = 5;

interface Flags extends ConnectionFlags {
  readonly topic?: string;
  readonly saleStats?: boolean;
  readonly totalsTopic: string;
  readonly groundTruth: string;
  readonly idleMs: number;
  readonly schemas: string;
  readonly schemaRegistry?: string;
}

/** `cdc-streams verify`: the output topic against the simulator's ground truth. */
export function registerVerifyCommand(program: Command, { io, setExitCode }: CommandContext): void {
  addConnectionOptions(
    program
      .command('verify')
      .description('check the order events on the output topic against the ground-truth file')
      .option('--topic <name>', `output topic (Avro): order events, or with --sale-stats the per-minute statistics (default ${DEFAULT_ORDER_EVENTS_TOPIC} / ${DEFAULT_SALE_STATS_TOPIC})`)
      .option('--sale-stats', 'verify the output of topologies/sale-stats.ts instead of order events')
      .option('--totals-topic <name>', 'with --sale-stats: the running totals topic', DEFAULT_SALE_TOTALS_TOPIC)
      .option('--ground-truth <file>', 'file written by `cdc-streams simulate`', 'ground-truth.jsonl')
      .option('--idle-ms <ms>', 'stop once the end is reached and nothing new arrived for this long', integerOption(0), 5000)
      .addOption(new Option('--schemas <dir>', 'folder of .avsc schemas; single-object decoding needs the writer schema here').default(SHIPPED_SCHEMAS_DIR, "the package's schemas/"))
      .option('--schema-registry <url>', 'registry for records in its wire format (default: $SCHEMA_REGISTRY_URL)'),
  )
    .addHelpText('after', EXAMPLES)
    .action(async (flags: Flags) => {
      const config = readCliConfig(flags);
      const connection = connectionFromFlags(flags, process.env, config);
      const registry = schemaRegistryUrlFrom(flags.schemaRegistry, process.env, config);
      const truth = await readGroundTruth(flags.groundTruth);
      if (flags.saleStats === true) {
        const ok = await verifySaleStats(io, {
          connection,
          truth,
          truthPath: flags.groundTruth,
          statsTopic: flags.topic ?? DEFAULT_SALE_STATS_TOPIC,
          totalsTopic: flags.totalsTopic,
          idleMs: flags.idleMs,
          schemasDir: flags.schemas,
          schemaRegistryUrl: registry,
        });
        if (!ok) setExitCode(EXIT_FAILURE);
        return;
      }
      const topic = flags.topic ?? DEFAULT_ORDER_EVENTS_TOPIC;
      const decoder = await createOrderEventDecoder({
        schemasDir: flags.schemas,
        ...(registry === undefined ? {} : { schemaRegistryUrl: registry }),
      });
      const verifier = new OrderEventVerifier(truth.orders);
      const bar = startProgress(io, { label: `reading ${topic}`, total: 0, unit: 'offsets' });
      const undecodable: string[] = [];
      let undecodableCount = 0;
      let records = 0;
      for await (const record of readTopic(connection, topic, {
        isolation: 'read_committed',
        idleMs: flags.idleMs,
        onProgress: (p) => {
          bar.setTotal(p.total);
          bar.update(p.position, `${p.records} records${p.caughtUp ? ', at the end, waiting for more' : ''}`);
        },
      })) {
        records += 1;
        try {
          verifier.observe(toOutputOrderEvent(await decoder.decode(record)));
        } catch (error) {
          // Reported below and fails the verification; reading goes on so the report covers everything.
          undecodableCount += 1;
          if (undecodable.length < SHOWN_DECODE_ERRORS) undecodable.push(error instanceof Error ? error.message : String(error));
        }
      }
      bar.stop();
      const summary = verifier.result();
      io.out(`read ${records} records from ${topic}; ground truth ${flags.groundTruth} (seed ${String(truth.meta['seed'])})\n\n`);
      io.out(`${formatVerification(summary)}\n`);
      if (undecodableCount > 0) {
        io.out(`\n${undecodableCount} record(s) could not be decoded as order events:\n${undecodable.map((m) => `  ${m}`).join('\n')}\n`);
      }
      if (!summary.ok || undecodableCount > 0) setExitCode(EXIT_FAILURE);
    });
}
