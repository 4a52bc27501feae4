import { saleSchemaSql, saleSql } from '../../../src/sim/sale-sql.js';
import type { BinlogItem } from '../../../src/sim/model/binlog.js';
import { startMariadb, type RunningMariadb } from '../mariadb/mariadb-server.js';
import { DEBEZIUM_CONNECTOR_CLASS } from './connect-jars.js';
import { startKafkaConnect, type RunningConnect } from './kafka-connect.js';

export interface SalePipelineOptions {
  readonly brokers: string;
  /** Debezium's `topic.prefix`: topics are `<prefix>.sale.orders`, `<prefix>.transaction`, ... */
  readonly topicPrefix: string;
  /** Partitions of the table topics Connect creates (the transaction and heartbeat topics get one). */
  readonly tablePartitions?: number;
  /** The JSON converter's schema envelope; default true. */
  readonly schemas?: boolean;
  readonly log?: (line: string) => void;
}

export interface SalePipeline {
  readonly mariadb: RunningMariadb;
  readonly connect: RunningConnect;
  readonly topics: { readonly orders: string; readonly payments: string; readonly transaction: string; readonly heartbeat: string };
  stop(): Promise<void>;
}

/**
 * MariaDB with the `sale` schema, and Kafka Connect running Debezium's connector on it with
 * transaction metadata and heartbeats on, streaming from the current binlog position (no snapshot).
 * Resolves once the connector reads the binlog, so every write after it is captured.
 */
export async function startSalePipeline(options: SalePipelineOptions): Promise<SalePipeline> {
  const log = options.log ?? (() => undefined);
  const mariadb = await startMariadb({ serverId: 101, log });
  let connect: RunningConnect | undefined;
  try {
    await mariadb.sql(`${saleSchemaSql()}
CREATE USER 'cdc'@'%' IDENTIFIED BY 'cdc';
GRANT SELECT, RELOAD, SHOW DATABASES, REPLICATION SLAVE, REPLICATION CLIENT, BINLOG MONITOR, LOCK TABLES ON *.* TO 'cdc'@'%';
`);
    const prefix = options.topicPrefix;
    connect = await startKafkaConnect({
      brokers: options.brokers,
      schemas: options.schemas ?? true,
      log,
      connectors: [debeziumConnectorConfig(`${prefix}-connector`, mariadb, prefix, options.tablePartitions ?? 1)],
    });
    await waitForStreaming(connect);
    const running = connect;
    return {
      mariadb,
      connect: running,
      topics: {
        orders: `${prefix}.sale.orders`,
        payments: `${prefix}.sale.payments`,
        transaction: `${prefix}.transaction`,
        heartbeat: `__debezium-heartbeat.${prefix}`,
      },
      async stop() {
        await running.stop();
        await mariadb.stop();
      },
    };
  } catch (error) {
    await connect?.stop();
    await mariadb.stop();
    throw error;
  }
}

/** The connector configuration docs/debezium.md shows, pointed at the test's server. */
export function debeziumConnectorConfig(name: string, db: { host: string; port: number }, prefix: string, tablePartitions: number): Record<string, string> {
  return {
    name,
    'connector.class': DEBEZIUM_CONNECTOR_CLASS,
    'tasks.max': '1',
    'database.hostname': db.host,
    'database.port': String(db.port),
    'database.user': 'cdc',
    'database.password': 'cdc',
    'database.server.id': '5401',
    'topic.prefix': prefix,
    'database.include.list': 'sale',
    'schema.history.internal': 'io.debezium.storage.file.history.FileSchemaHistory',
    'schema.history.internal.file.filename': `schema-history-${name}.dat`,
    'provide.transaction.metadata': 'true',
    'heartbeat.interval.ms': '1000',
    'snapshot.mode': 'no_data',
    'include.schema.changes': 'false',
    'topic.creation.default.replication.factor': '1',
    'topic.creation.default.partitions': String(tablePartitions),
    // Transaction boundaries must stay in order: one partition for the transaction topic.
    'topic.creation.groups': 'ordered',
    'topic.creation.ordered.include': `${escapeRegex(prefix)}\\.transaction,__debezium-heartbeat\\.${escapeRegex(prefix)}`,
    'topic.creation.ordered.partitions': '1',
    'topic.creation.ordered.replication.factor': '1',
  };
}

/** Replays the model as SQL; returns the server GTID of each committed model transaction, by model GTID. */
export async function applySaleSql(db: RunningMariadb, items: Iterable<BinlogItem>, sourceTimeZone: string): Promise<Map<string, string>> {
  let script = '';
  for (const step of saleSql(items, { sourceTimeZone })) script += step.sql;
  const output = await db.sql(script);
  const gtids = new Map<string, string>();
  for (const line of output.split('\n')) {
    const [model, server] = line.split('\t');
    if (model !== undefined && server !== undefined) gtids.set(model, server);
  }
  return gtids;
}

async function waitForStreaming(connect: RunningConnect): Promise<void> {
  const deadline = Date.now() + 60_000;
  while (!connect.output().includes('Connected to binlog at')) {
    if (Date.now() > deadline) throw new Error(`Debezium did not start reading the binlog; log:\n${connect.output()}`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

function escapeRegex(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
