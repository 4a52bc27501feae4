import { mkdtemp, rm } from 'node:fs/promises';
import { randomUUID } from 'node:crypto';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Admin } from 'kafkajs';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { changeEventSerde } from '../../src/cdc/change-event-serde.js';
import { cdcStream } from '../../src/cdc/dsl/cdc-stream.js';
import { resequence } from '../../src/cdc/dsl/resequence.js';
import { StreamsBuilder } from '../../src/dsl/streams-builder.js';
import { parseKafkaConnection, splitBrokers } from '../../src/runtime/kafka-connection-config.js';
import { ensureTopics, writeMessages } from '../../src/kafka-tools/index.js';
import { StreamsApp } from '../../src/runtime/streams-app.js';
import { stringSerde } from '../../src/serde/string-serde.js';
import { simulateFlashSale } from '../../src/sim/index.js';
import { KafkaTestKit } from '../support/kafka-test-kit.js';
import { waitFor } from '../support/streams-child.js';

/**
 * docs/runtime.md, "Purging repartition topics", and docs/cdc.md, "Idle control traffic": a CDC
 * topology with a repartition (DTS source → key by order id → resequence, as sale-orders) processes a
 * small flash sale and then idles. The repartition topic's log start offset comes up to the offset the
 * group committed on every partition, what the app reports purged is exactly what left the log, and
 * while the app idles the topic keeps at most a round of control records (and their markers), however
 * many purge intervals pass. The input topic is never purged.
 */
const brokers = inject('kafkaBrokers');
const connection = parseKafkaConnection({ brokers: splitBrokers(brokers) });
const kit = new KafkaTestKit(brokers);
const INPUT_PARTITIONS = 2;
const dirs: string[] = [];
let admin: Admin;
beforeAll(async () => {
  admin = kit.kafka.admin();
  await admin.connect();
});
afterAll(async () => {
  await admin.disconnect();
  for (const d of dirs) await rm(d, { recursive: true, force: true });
});

function orderedByOrder(input: string, output: string) {
  const b = new StreamsBuilder();
  cdcStream(b, input, { format: 'dts' })
    .filter((c) => c.row['order_id'] !== undefined && c.row['order_id'] !== null)
    .selectKey((c) => String(c.row['order_id']), { name: 'key-by-order-id' })
    .pipe(resequence({ keySerde: stringSerde }))
    .to(output, { keySerde: stringSerde, valueSerde: changeEventSerde });
  return b.build();
}

async function logOffsets(topic: string): Promise<Map<number, { start: bigint; end: bigint }>> {
  return new Map((await admin.fetchTopicOffsets(topic)).map((o) => [o.partition, { start: BigInt(o.low), end: BigInt(o.high) }]));
}

describe.concurrent.each(['at_least_once', 'exactly_once'] as const)('a CDC app with a repartition topic, processing and then idle (%s)', (guarantee) => {
  it('purges its repartition topic up to the committed offsets and keeps it small while idle', { timeout: 90_000 }, async () => {
    const id = `it-purge-${guarantee === 'exactly_once' ? 'eos' : 'alos'}-${randomUUID().slice(0, 8)}`;
    const input = `${id}.dts.sale`;
    const output = `${id}.events`;
    const repartition = `${id}-resequence-repartition`;
    // The simulated binlog carries old event times: without retention.ms=-1 the broker's retention deletes it.
    await ensureTopics(connection, [{ topic: input, partitions: INPUT_PARTITIONS, config: { 'retention.ms': '-1' } }]);
    const sim = simulateFlashSale({ seed: 11, orders: 80, shards: 1, partitions: INPUT_PARTITIONS });
    await writeMessages(connection, input, sim.messages);
    const inputEnds = await logOffsets(input);
    const stateDir = await mkdtemp(join(tmpdir(), 'it-purge-'));
    dirs.push(stateDir);
    const app = new StreamsApp(orderedByOrder(input, output), {
      applicationId: id,
      kafka: { brokers: splitBrokers(brokers) },
      stateDir,
      processingGuarantee: guarantee,
      commitIntervalMs: 200,
      repartitionPurgeIntervalMs: 500,
    });
    await app.start();
    try {
      // Everything read and committed, and the repartition topic purged up to the committed offsets.
      const committedInput = async () => kit.committedOffsets(id, input);
      await waitFor('the input to be committed to its end', async () => {
        const committed = await committedInput();
        return [...inputEnds].every(([p, { end }]) => committed.get(p) === end) ? true : undefined;
      }, { timeoutMs: 60_000, intervalMs: 250 });
      const purgedToCommitted = async () => {
        const [committed, log] = await Promise.all([kit.committedOffsets(id, repartition), logOffsets(repartition)]);
        return [...log].every(([p, { start }]) => (committed.get(p) ?? -1n) > 0n && start === committed.get(p)) ? log : undefined;
      };
      const purged = await waitFor('the repartition topic to be purged up to the committed offsets', purgedToCommitted, { timeoutMs: 30_000, intervalMs: 250 });
      const partitions = purged.size;
      // Really purged: data went through every partition (80 orders), and all of it left the log.
      for (const { start } of purged.values()) expect(start).toBeGreaterThan(0n);

      // Idle for ten purge intervals: the topic never holds more than one round of control records
      // (every input partition to every repartition partition) and its transaction markers.
      const bound = BigInt(INPUT_PARTITIONS * partitions * 2);
      let largest = 0n;
      for (let i = 0; i < 20; i++) {
        await new Promise((resolve) => setTimeout(resolve, 250));
        for (const { start, end } of (await logOffsets(repartition)).values()) if (end - start > largest) largest = end - start;
      }
      expect(largest).toBeLessThanOrEqual(bound);
      const settled = await waitFor('the repartition topic to be purged up to the committed offsets again', purgedToCommitted, { timeoutMs: 30_000, intervalMs: 250 });

      // The metric counts exactly what left the log (the topic was new: its log started at 0).
      const logStarts = Number([...settled.values()].reduce((sum, { start }) => sum + start, 0n));
      // (A round whose deletion the broker applied may still be on its way back: polled, not read once.)
      const reported = await waitFor('the purge metric to count what left the log', async () => (app.snapshot().recordsPurged?.[repartition] === logStarts ? logStarts : undefined), {
        timeoutMs: 10_000,
      }).catch(() => app.snapshot().recordsPurged?.[repartition]);
      expect(reported).toBe(logStarts);
      // The input is someone else's data: never purged.
      for (const { start } of (await logOffsets(input)).values()) expect(start).toBe(0n);
    } finally {
      await app.close();
    }
    await expect(app.stopped).resolves.toBeUndefined();
  });
});
