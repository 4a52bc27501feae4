import { describe, expect, it } from 'vitest';
import { engineRate, engineSection, ratiosToKafkaStreams } from '../../bench/engine-report.js';
import type { EngineRun } from '../../bench/engine-stage.js';
import type { EngineSubject } from '../../bench/engine-subjects.js';
import type { Guarantee } from '../../bench/bench-jobs.js';

function run(subject: EngineSubject, guarantee: Guarantee, rep: number, spanMs: number, peakRssMb: number): EngineRun {
  return {
    subject,
    applicationId: `app-${subject}-${guarantee}-${rep}`,
    guarantee,
    rep,
    check: {
      records: 1_000,
      expectedRecords: 1_000,
      duplicates: 0,
      missing: 0,
      wrongValues: 0,
      malformed: 0,
      wrongFinalKeys: 0,
      firstTimestamp: 0,
      lastTimestamp: spanMs,
      steadyFromTimestamp: 0,
      steadyRecords: 1_000,
      examples: [],
      exact: true,
    },
    spanMs,
    startupMs: 1_000,
    wallMs: spanMs + 2_000,
    peakRssMb,
    cpuMs: 2 * spanMs,
    loadBefore: 1,
    loadAfter: 1,
  };
}

describe('engine report', () => {
  it('rates a run by its output records over the first-to-last append span', () => {
    expect(engineRate(run('cdc-streams', 'at_least_once', 1, 500, 100))).toBe(2_000);
  });

  it('has no rate for a run without output', () => {
    expect(engineRate({ ...run('cdc-streams', 'at_least_once', 1, 500, 100), spanMs: Number.NaN })).toBeNaN();
  });

  it('divides each run by the Kafka Streams run of the same repetition and guarantee', () => {
    const runs = [
      run('cdc-streams', 'at_least_once', 1, 400, 300),
      run('kafka-streams', 'at_least_once', 1, 100, 600),
      run('cdc-streams', 'exactly_once', 1, 1_000, 300),
      run('kafka-streams', 'exactly_once', 1, 200, 400),
      run('cdc-streams', 'at_least_once', 2, 200, 300),
      run('kafka-streams', 'at_least_once', 2, 100, 300),
    ];
    expect(ratiosToKafkaStreams(runs, 'cdc-streams', 'at_least_once', engineRate)).toEqual([0.25, 0.5]);
    expect(ratiosToKafkaStreams(runs, 'cdc-streams', 'exactly_once', engineRate)).toEqual([0.2]);
    expect(ratiosToKafkaStreams(runs, 'cdc-streams', 'at_least_once', (r) => r.peakRssMb)).toEqual([0.5, 1]);
  });

  it('compares the relay with Kafka Streams at_least_once and skips a repetition without a peer', () => {
    const runs = [run('kafkajs', 'at_least_once', 1, 50, 100), run('kafka-streams', 'at_least_once', 1, 100, 400), run('kafkajs', 'at_least_once', 2, 50, 100)];
    expect(ratiosToKafkaStreams(runs, 'kafkajs', 'at_least_once', engineRate)).toEqual([2]);
  });

  it('prints a throughput table and a peak RSS table with a row per subject and guarantee', () => {
    const runs = [
      run('cdc-streams', 'at_least_once', 1, 400, 300),
      run('kafka-streams', 'at_least_once', 1, 100, 600),
      run('kafkajs', 'at_least_once', 1, 50, 150),
      run('cdc-streams', 'exactly_once', 1, 1_000, 300),
      { ...run('kafka-streams', 'exactly_once', 1, 200, 400), check: { ...run('kafka-streams', 'exactly_once', 1, 200, 400).check, duplicates: 2, exact: false } },
    ];
    const text = engineSection(
      { workload: { records: 1_000, keys: 10, partitions: 6, seed: 1 }, inputBytes: 8_000, writeSeconds: 1, commitIntervalMs: 1_000, runs },
      'openjdk 17',
    );
    const rows = text.split('\n').filter((line) => line.startsWith('| ') && !line.startsWith('| run') && !line.startsWith('| ---'));
    expect(rows).toHaveLength(10);
    const cdcAlo = rows.find((r) => r.startsWith('| cdc-streams') && r.includes('| at_least_once |'));
    expect(cdcAlo).toContain('| 2,500 (1 run) | 0.25 (1 run) |');
    // CPU: 0.8 s over 1,000 records against Kafka Streams' 0.2 s.
    expect(cdcAlo).toContain('| 0.8 (1 run) | 800.0 (1 run) | 4.00 (1 run) |');
    expect(rows.find((r) => r.startsWith('| Kafka Streams') && r.includes('exactly_once'))).toContain('rep 1: 1000 of 1000 records, 2 duplicates');
    expect(rows.filter((r) => r.includes('all 1 exact'))).toHaveLength(4);
  });
});
