import { describe, expect, it } from 'vitest';
import { createMetricsRegistry } from '../../src/ops/metrics.js';
import { FakeOperableApp, snapshotOf } from './fake-operable-app.js';

function lines(text: string): string[] {
  return text.split('\n');
}

describe('createMetricsRegistry', () => {
  it('exposes the application series with the values of the snapshot', async () => {
    const app = new FakeOperableApp();
    const text = lines(await createMetricsRegistry(app, { defaultMetrics: false }).metrics());
    expect(text).toEqual(expect.arrayContaining([
      'cdc_streams_app_info{application_id="sale-orders",instance_id="host-a:8080"} 1',
      'cdc_streams_app_state{state="RUNNING"} 1',
      'cdc_streams_app_state{state="REBALANCING"} 0',
      'cdc_streams_app_ready 1',
      'cdc_streams_app_start_time_seconds 1700000000',
      'cdc_streams_tasks{state="RUNNING"} 1',
      'cdc_streams_tasks{state="RESTORING"} 1',
      'cdc_streams_tasks{state="SUSPENDED"} 0',
      '# TYPE cdc_streams_records_processed_total counter',
      'cdc_streams_records_processed_total{task="0_0"} 120',
      'cdc_streams_records_processed_total{task="0_1"} 0',
      'cdc_streams_records_in_total{topic="dts.sale"} 130',
      'cdc_streams_records_out_total{topic="sale.order-events"} 90',
      'cdc_streams_records_out_total{topic="sale-orders-orders-changelog"} 45',
      'cdc_streams_dead_letters_total 2',
      'cdc_streams_commits_total 10',
      'cdc_streams_commit_duration_seconds_total 1.5',
      'cdc_streams_commit_last_duration_seconds 0.12',
      'cdc_streams_commit_max_duration_seconds 0.4',
      'cdc_streams_consumer_lag{topic="dts.sale",partition="0"} 17',
      'cdc_streams_consumer_lag{topic="dts.sale",partition="1"} 0',
      'cdc_streams_restore_restored_records{task="0_1",store="orders"} 40',
      'cdc_streams_restore_target_records{task="0_1",store="orders"} 100',
      'cdc_streams_restore_done{task="0_1",store="orders"} 0',
    ]));
  });

  it('exposes every processor metric of every task as cdc_streams_processor_metric{task,node,name}', async () => {
    const text = lines(await createMetricsRegistry(new FakeOperableApp(), { defaultMetrics: false }).metrics());
    const series = text.filter((line) => line.startsWith('cdc_streams_processor_metric{'));
    expect(series.sort()).toEqual([
      'cdc_streams_processor_metric{task="0_0",node="cdc-decode",name="groupsAbandoned"} 1',
      'cdc_streams_processor_metric{task="0_0",node="cdc-decode",name="piecesPending"} 3',
      'cdc_streams_processor_metric{task="0_0",node="resequence",name="eventsHeld"} 7',
      'cdc_streams_processor_metric{task="0_0",node="resequence",name="watermarkLagMs:shard-1"} 250',
    ]);
  });

  it('drops the series of a task or partition that is gone on the next scrape', async () => {
    const app = new FakeOperableApp();
    const registry = createMetricsRegistry(app, { defaultMetrics: false });
    expect(await registry.metrics()).toContain('task="0_1"');
    app.current = snapshotOf({ tasks: [], lag: [], restore: [] });
    const after = await registry.metrics();
    expect(after).not.toContain('task="0_');
    expect(after).not.toContain('cdc_streams_consumer_lag{');
    expect(after).toContain('cdc_streams_tasks{state="RUNNING"} 0');
  });

  it('reads one snapshot per scrape however many metrics there are', async () => {
    const app = new FakeOperableApp();
    const registry = createMetricsRegistry(app, { defaultMetrics: false });
    await registry.metrics();
    expect(app.snapshotCalls).toBe(1);
    app.current = snapshotOf({ deadLetters: 9 });
    expect(await registry.metrics()).toContain('cdc_streams_dead_letters_total 9');
    expect(app.snapshotCalls).toBe(2);
  });

  it('uses the given prefix instead of cdc_streams_', async () => {
    const text = await createMetricsRegistry(new FakeOperableApp(), { prefix: 'orders_', defaultMetrics: false }).metrics();
    expect(text).toContain('orders_app_ready 1');
    expect(text).not.toContain('cdc_streams_');
  });

  it('adds the default Node.js process metrics unless told not to', async () => {
    expect(await createMetricsRegistry(new FakeOperableApp()).metrics()).toContain('process_cpu_user_seconds_total');
    expect(await createMetricsRegistry(new FakeOperableApp(), { defaultMetrics: false }).metrics()).not.toContain('process_cpu');
  });
});
