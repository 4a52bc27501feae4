import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { randomUUID } from 'node:crypto';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, inject, it } from 'vitest';
import { buildDashboard } from '../../dashboard/build.js';
import { loadTopology } from '../../src/cli/load-topology.js';
import { parseKafkaConnection, splitBrokers } from '../../src/runtime/kafka-connection-config.js';
import { ensureTopics, writeMessages } from '../../src/kafka-tools/index.js';
import { simulateFlashSale } from '../../src/sim/index.js';
import { testSeed } from '../serde/seeded-random.js';
import { launchHeadless, type HeadlessBrowser } from '../support/chromium.js';
import { KafkaTestKit } from '../support/kafka-test-kit.js';
import { REPO_ROOT, StreamsChild, waitFor } from '../support/streams-child.js';

/**
 * Issue 17 in a real browser: sale-orders runs as `cdc-streams run --http-port` on simulated input, and
 * headless chromium watches its dashboard: the picture has every node of `describe`, the lag of every
 * input partition falls to 0, a bad message injected into the input shows up as a dead letter, and after
 * a SIGKILL and a restart on the same port the page (reconnecting by itself) shows the new instance's
 * tasks restoring, then running. Screenshots of each step go to test-artifacts/dashboard/.
 */
const brokers = inject('kafkaBrokers');
const connection = parseKafkaConnection({ brokers: splitBrokers(brokers) });
const kit = new KafkaTestKit(brokers);
const ARTIFACTS = join(REPO_ROOT, 'test-artifacts', 'dashboard');
const PARTITIONS = 4;

let browser: HeadlessBrowser | undefined;
const dirs: string[] = [];
// A fresh CI machine installs chromium with apt-get here first: give it time.
beforeAll(async () => {
  await mkdir(ARTIFACTS, { recursive: true });
  await buildDashboard();
  browser = await launchHeadless();
}, 600_000);
afterEach(() => StreamsChild.killAll());
afterAll(async () => {
  await browser?.close();
  for (const d of dirs) await rm(d, { recursive: true, force: true });
});

async function freePort(): Promise<number> {
  const probe = createServer();
  await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
  const port = (probe.address() as { port: number }).port;
  await new Promise<void>((resolve) => probe.close(() => resolve()));
  return port;
}

/** Node and topic names as `describe` prints them: `Source: name (topics: [a, b])`, `Sink: name (topic: t)`. */
function describedNames(text: string): { nodes: string[]; topics: string[] } {
  const nodes = [...text.matchAll(/^\s+(?:Source|Processor|Sink): (\S+) \(/gm)].map((m) => m[1]!);
  const topics = new Set<string>();
  for (const m of text.matchAll(/\(topics: \[([^\]]*)\]\)/g)) for (const t of m[1]!.split(', ')) topics.add(t);
  for (const m of text.matchAll(/\(topic: ([^)]+)\)/g)) topics.add(m[1]!);
  return { nodes, topics: [...topics] };
}

async function shot(page: Page, name: string): Promise<void> {
  await page.screenshot({ path: join(ARTIFACTS, `${name}.png`), fullPage: true });
}

/** Polls the page until `check` holds; never asserts on time, only gives up at the deadline. */
function until<T>(what: string, check: () => Promise<T | undefined>, child: StreamsChild, timeoutMs = 60_000): Promise<T> {
  return waitFor(what, check, { timeoutMs, intervalMs: 250, child });
}

describe('the ops dashboard in a browser, on sale-orders over Kafka', () => {
  it('shows the topology, lag draining to 0, a dead letter, and a restarted instance restoring then running', { timeout: 300_000 }, async () => {
    const page = browser!.page;
    const applicationId = `e2e-dash-${randomUUID().slice(0, 8)}`;
    const inputTopic = `${applicationId}.dts.sale`;
    const outputTopic = `${applicationId}.order-events`;
    const sim = simulateFlashSale({ seed: testSeed('dashboard-browser'), orders: 300, shards: 2, partitions: PARTITIONS, maxMessageBytes: 2000 });
    await ensureTopics(connection, [{ topic: inputTopic, partitions: PARTITIONS, config: { 'retention.ms': '-1' } }]);
    await writeMessages(connection, inputTopic, sim.messages);
    const stateDir = await mkdtemp(join(tmpdir(), 'e2e-dash-'));
    dirs.push(stateDir);
    const port = await freePort();
    const url = `http://127.0.0.1:${port}`;
    const start = () =>
      StreamsChild.run({
        topology: 'topologies/sale-orders.ts',
        brokers,
        applicationId,
        stateDir,
        guarantee: 'at_least_once',
        params: { inputTopic, outputTopic },
        extraArgs: ['--http-port', String(port), '--commit-interval-ms', '300'],
      });

    const first = start();
    await until('the ops server to answer', async () => ((await fetch(`${url}/health`).catch(() => undefined)) === undefined ? undefined : true), first);
    await page.goto(`${url}/`);

    // 1. the picture has every node and topic `describe` prints
    const loaded = await loadTopology('topologies/sale-orders.ts', { params: { inputTopic, outputTopic } });
    if (!loaded.ok) throw new Error('sale-orders did not load');
    const described = describedNames(loaded.topology.describe());
    expect(described.nodes.length).toBeGreaterThan(8);
    await page.waitForSelector('svg.topology g.box');
    const drawnNodes = await page.$$eval('svg.topology g.box:is(.source, .processor, .sink)', (boxes) => boxes.map((b) => b.getAttribute('data-name')));
    const drawnTopics = await page.$$eval('svg.topology g.box:is(.topic, .internal-topic) text', (labels) => labels.map((t) => t.textContent));
    expect([...drawnNodes].sort()).toEqual([...described.nodes].sort());
    expect([...drawnTopics].sort()).toEqual([...described.topics].sort());
    await page.click('svg.topology g.box[data-name="resequence-resequencer"]');
    await page.waitForSelector('[data-details="resequence-resequencer"]');
    await shot(page, '1-topology');

    // 2. the lag of every input partition (DTS and repartition) falls to 0 as the app drains
    let highestLag = 0;
    await until('every input partition to show lag 0 in the lag panel', async () => {
      const rows = await page.$$eval('[data-panel="lag"] tr[data-lag-topic]', (trs) => trs.map((tr) => ({ topic: tr.getAttribute('data-lag-topic'), lag: Number(tr.getAttribute('data-lag')) })));
      highestLag = Math.max(highestLag, ...rows.map((r) => r.lag));
      const inputRows = rows.filter((r) => r.topic === inputTopic);
      return rows.length === 2 * PARTITIONS && inputRows.length === PARTITIONS && rows.every((r) => r.lag === 0) ? true : undefined;
    }, first);
    console.log(`dashboard-browser: the highest lag the page showed while draining was ${highestLag}`);
    await shot(page, '2-drained');

    // 3. a message that is not a DTS envelope becomes a dead letter, with its partition, offset and reason
    const badPartition = 2;
    const badOffset = (await kit.endOffsets(inputTopic)).get(badPartition)!;
    await kit.produce(inputTopic, [{ key: null, value: Buffer.from([0xff, 0xff, 0xff, 0xff, 0xff]), partition: badPartition }]);
    const reason = await until('the bad message to show up among the dead letters', async () => {
      const row = await page.$(`[data-panel="dead-letters"] li[data-dead-letter-topic="${inputTopic}"][data-dead-letter-partition="${badPartition}"][data-dead-letter-offset="${badOffset}"]`);
      return (await row?.textContent()) ?? undefined;
    }, first, 30_000);
    expect(reason).toMatch(/Error/);
    expect(await page.getAttribute('[data-dead-letters]', 'data-dead-letters')).toBe('1');
    await shot(page, '3-dead-letter');

    // 4. SIGKILL, restart on the same port: the page reconnects and shows each task restoring, then running
    const killed = await page.getAttribute('[data-instance-id]', 'data-instance-id');
    first.kill('SIGKILL');
    expect((await first.waitForExit(10_000)).signal).toBe('SIGKILL');
    const second = start();
    const tasks = [...Array(PARTITIONS).keys()].flatMap((p) => [`0_${p}`, `1_${p}`]);
    const transitions = await until('every task of the restarted instance to have restored and to run, on the page', async () => {
      // Until the page hears from the new instance it still shows the killed one's last update.
      const instance = await page.getAttribute('[data-instance-id]', 'data-instance-id');
      if (instance === killed || (await page.getAttribute('[data-connection]', 'data-connection')) !== 'live') return undefined;
      const running = await page.$$eval('[data-panel="tasks"] tr[data-task][data-state="RUNNING"]', (trs) => trs.map((tr) => tr.getAttribute('data-task')));
      if (running.length !== tasks.length) return undefined;
      const shown = await page.$$eval('[data-panel="history"] li[data-transition-task]', (lis) =>
        lis.map((li) => ({ task: li.getAttribute('data-transition-task'), from: li.getAttribute('data-from'), to: li.getAttribute('data-to') })),
      );
      return tasks.every((t) => shown.some((s) => s.task === t && s.to === 'RUNNING')) ? shown : undefined;
    }, second, 120_000);
    for (const task of tasks) {
      // Newest first on the page: RESTORING -> RUNNING below CREATED -> RESTORING.
      const ofTask = transitions.filter((t) => t.task === task).reverse().map((t) => `${t.from}->${t.to}`);
      expect(ofTask, `transitions of task ${task}`).toEqual(['CREATED->RESTORING', 'RESTORING->RUNNING']);
    }
    // The rebalance entry comes with a later update than the task states may: waited for, not sampled once.
    const assignedEntries = await until('the history panel to show the rebalance that assigned the tasks', async () => {
      const count = await page.$$eval('[data-panel="history"] li[data-rebalance="assigned"]', (lis) => lis.length);
      return count > 0 ? count : undefined;
    }, second, 30_000);
    expect(assignedEntries).toBeGreaterThan(0);
    await shot(page, '4-restarted');

    second.kill('SIGTERM');
    expect((await second.waitForExit(20_000)).code).toBe(0);
  });
});
