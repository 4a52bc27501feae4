import { Option, type Command } from 'commander';
import { readTopic } from '../../kafka-tools/index.js';
import { readCliConfig } from '../cli-config.js';
import { addConnectionOptions, connectionFromFlags, type ConnectionFlags } from '../connection-options.js';
import { SHIPPED_SCHEMAS_DIR } from '../package-paths.js';
import { schemaRegistryUrlFrom } from '../topology-options.js';
import {
  DtsInspector,
  formatDtsRecord,
  formatOrderEventRecord,
  formatRawRecord,
  showRawRecord,
} from '../inspect-format.js';
import { formatChangeRecord, showChangeRecord } from '../inspect-change-format.js';
import { integerOption, parseOffset } from '../option-parsers.js';
import { createOrderEventDecoder, type OrderEventDecoder } from '../order-event-avro.js';
import type { CommandContext } from '../program.js';

const EXAMPLES = `
Examples:
  $ cdc-streams inspect dts.sale --limit 5
  $ cdc-streams inspect dts.sale --partition 2 --from 1200 --limit 50
  $ cdc-streams inspect sale.order-events --format avro --json | jq .
  $ cdc-streams inspect sale-orders-dlq --format raw          (the dead letters of application sale-orders)
  $ cdc-streams inspect dbserver1.sale.orders --format debezium
  $ cdc-streams inspect dbserver1.transaction --format debezium --json
  $ cdc-streams inspect canal.sale --format canal-json

DTS records show their piece (index/total); the record that completes a group whose pieces are all
in the shown range also shows the decoded entries: header fields and row values. Debezium (JSON, with
or without the schema envelope) and Canal flat-message records show their row changes as cdcStream
normalizes them (the shard, GTID, binlog position and row values), transaction BEGIN/END events with
their per-table counts, and heartbeats.

Exit codes: 0 shown (records that do not decode are shown with their error), 1 failure, 2 usage error.`;

type Format = 'dts' | 'debezium' | 'canal-json' | 'avro' | 'raw';

interface Flags extends ConnectionFlags {
  readonly from?: bigint;
  readonly limit: number;
  readonly partition?: number;
  readonly format: Format;
  readonly json?: boolean;
  readonly idleMs: number;
  readonly schemas: string;
  readonly schemaRegistry?: string;
}

/** `cdc-streams inspect <topic>`: records decoded for a person (or `--json` lines for tools). */
export function registerInspectCommand(program: Command, { io }: CommandContext): void {
  addConnectionOptions(
    program
      .command('inspect')
      .description('print records of a topic decoded as DTS envelopes, Debezium or Canal JSON, Avro order events or raw bytes')
      .argument('<topic>', 'topic to read')
      .option('--from <offset>', 'start at this offset in every partition read (default: the first)', parseOffset)
      .option('--limit <n>', 'show at most this many records', integerOption(1), 20)
      .option('--partition <p>', 'read only this partition', integerOption(0))
      .addOption(new Option('--format <format>', 'how to decode the records').choices(['dts', 'debezium', 'canal-json', 'avro', 'raw'] as const).default('dts'))
      .option('--json', 'one JSON object per line instead of text')
      .option('--idle-ms <ms>', 'stop when the end is reached and nothing new came for this long', integerOption(0), 1000)
      .addOption(new Option('--schemas <dir>', 'folder of .avsc schemas for --format avro').default(SHIPPED_SCHEMAS_DIR, "the package's schemas/"))
      .option('--schema-registry <url>', 'registry for Avro in its wire format (default: $SCHEMA_REGISTRY_URL)'),
  )
    .addHelpText('after', EXAMPLES)
    .action(async (topic: string, flags: Flags) => {
      const config = readCliConfig(flags);
      const connection = connectionFromFlags(flags, process.env, config);
      const registry = schemaRegistryUrlFrom(flags.schemaRegistry, process.env, config);
      const decoder: OrderEventDecoder | undefined =
        flags.format === 'avro'
          ? await createOrderEventDecoder({ schemasDir: flags.schemas, ...(registry === undefined ? {} : { schemaRegistryUrl: registry }) })
          : undefined;
      const dts = new DtsInspector();
      const print = (text: string, json: unknown): void => io.out(`${flags.json === true ? JSON.stringify(json) : text}\n`);
      let shownCount = 0;
      for await (const record of readTopic(connection, topic, {
        isolation: 'read_committed',
        idleMs: flags.idleMs,
        limit: flags.limit,
        ...(flags.from === undefined ? {} : { from: flags.from }),
        ...(flags.partition === undefined ? {} : { partitions: [flags.partition] }),
      })) {
        shownCount += 1;
        if (flags.format === 'dts') {
          const shown = dts.show(record);
          print(formatDtsRecord(shown), shown);
        } else if (flags.format === 'debezium' || flags.format === 'canal-json') {
          const shown = showChangeRecord(record, flags.format);
          print(formatChangeRecord(shown), shown);
        } else if (decoder !== undefined) {
          try {
            const event = await decoder.decode(record);
            print(formatOrderEventRecord(record, event), { topic, partition: record.partition, offset: record.offset, event });
          } catch (error) {
            // Shown in place, like a DTS record that does not decode: inspecting is how one finds such records.
            const message = error instanceof Error ? error.message : String(error);
            print(`${formatRawRecord(record)}\n  ERROR: ${message}`, { ...showRawRecord(record), error: message });
          }
        } else {
          print(formatRawRecord(record), showRawRecord(record));
        }
      }
      if (flags.json !== true) io.err(`${shownCount} record${shownCount === 1 ? '' : 's'} shown\n`);
    });
}
