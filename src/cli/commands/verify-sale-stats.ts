import { formatSaleStatsVerification, saleStatsOf, SaleStatsVerifier, type GroundTruth, type SkuMinuteStats, type SkuTotals } from '../../sim/index.js';
import { readTopic, type RawRecord } from '../../kafka-tools/index.js';
import type { KafkaConnection } from '../../index.js';
import { createAvroRecordDecoder } from '../avro-record-decoder.js';
import type { CliIo } from '../cli-io.js';
import { startProgress } from '../progress.js';

export const DEFAULT_SALE_STATS_TOPIC = 'sale.sku-minute-stats';
export const DEFAULT_SALE_TOTALS_TOPIC = 'sale.sku-totals';

export interface SaleStatsVerifyOptions {
  readonly connection: KafkaConnection;
  readonly truth: GroundTruth;
  readonly truthPath: string;
  readonly statsTopic: string;
  readonly totalsTopic: string;
  readonly idleMs: number;
  readonly schemasDir: string;
  readonly schemaRegistryUrl: string | undefined;
}

/**
 * `verify --sale-stats`: reads topologies/sale-stats.ts' two outputs with read_committed — every
 * per-minute record, and the totals topic's updates (the last per product counts) — and compares them
 * with the statistics the ground truth's order events imply. Returns true when they match.
 */
export async function verifySaleStats(io: CliIo, options: SaleStatsVerifyOptions): Promise<boolean> {
  const registry = options.schemaRegistryUrl === undefined || options.schemaRegistryUrl === '' ? {} : { schemaRegistryUrl: options.schemaRegistryUrl };
  const minutes = await createAvroRecordDecoder<SkuMinuteStats>('sku-minute-stats', { schemasDir: options.schemasDir, ...registry });
  const totals = await createAvroRecordDecoder<SkuTotals>('sku-totals', { schemasDir: options.schemasDir, ...registry });
  const verifier = new SaleStatsVerifier(saleStatsOf(options.truth.orders.values()));
  const undecodable: string[] = [];
  const readAll = async (topic: string, observe: (record: RawRecord) => Promise<void>): Promise<number> => {
    const bar = startProgress(io, { label: `reading ${topic}`, total: 0, unit: 'offsets' });
    let count = 0;
    for await (const record of readTopic(options.connection, topic, {
      isolation: 'read_committed',
      idleMs: options.idleMs,
      onProgress: (p) => {
        bar.setTotal(p.total);
        bar.update(p.position, `${p.records} records${p.caughtUp ? ', at the end, waiting for more' : ''}`);
      },
    })) {
      count++;
      try {
        await observe(record);
      } catch (error) {
        // Reported below and fails the verification; reading goes on so the report covers everything.
        undecodable.push(error instanceof Error ? error.message : String(error));
      }
    }
    bar.stop();
    return count;
  };
  const minuteRecords = await readAll(options.statsTopic, async (record) => verifier.observeMinute(await minutes.decode(record)));
  const totalRecords = await readAll(options.totalsTopic, async (record) => verifier.observeTotals(await totals.decode(record)));
  const summary = verifier.result();
  const read = `${minuteRecords} records from ${options.statsTopic}, ${totalRecords} from ${options.totalsTopic}`;
  io.out(`read ${read}; ground truth ${options.truthPath} (seed ${String(options.truth.meta['seed'])})\n\n`);
  io.out(`${formatSaleStatsVerification(summary)}\n`);
  if (undecodable.length > 0) io.out(`\n${undecodable.length} record(s) could not be decoded:\n${undecodable.slice(0, 5).map((m) => `  ${m}`).join('\n')}\n`);
  return summary.ok && undecodable.length === 0;
}
