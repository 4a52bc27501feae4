import { buildTopology, createLogger, createTopologyEnvironment, parseKafkaConnection, splitBrokers, StreamsApp } from '../src/index.js';
import type { JobResult, RestoreJob } from './bench-jobs.js';
import { restoreTopology } from './restore-topology.js';
import { ownCpuMs } from './process-cpu.js';
import { maxRssMb, RssSampler } from './rss-sampler.js';

/**
 * Starts the restore topology with an empty state dir over a filled changelog and times `start()` until
 * `snapshot().ready` is true and every store's restore reports done.
 */
export async function drainRestore(job: RestoreJob): Promise<JobResult> {
  const topology = buildTopology(restoreTopology(job.inputTopic), await createTopologyEnvironment({ params: {} }));
  const connection = parseKafkaConnection({ brokers: splitBrokers(job.brokers), clientId: `bench-${job.applicationId}` });
  const app = new StreamsApp(
    topology,
    { applicationId: job.applicationId, kafka: connection, stateDir: job.stateDir, processingGuarantee: 'at_least_once' },
    { logger: createLogger({ level: 'warn' }) },
  );
  const rss = new RssSampler();
  const cpuAtStart = ownCpuMs();
  const started = process.hrtime.bigint();
  await app.start();
  let restored = 0;
  let problem: string | undefined;
  const deadline = Date.now() + 15 * 60_000;
  for (;;) {
    const snapshot = app.snapshot();
    if (snapshot.state === 'ERROR' || snapshot.state === 'NOT_RUNNING') {
      await app.stopped;
      throw new Error(`restore app stopped in state ${snapshot.state}`);
    }
    restored = snapshot.restore.reduce((sum, r) => sum + r.restored, 0);
    if (snapshot.ready && snapshot.restore.length > 0 && snapshot.restore.every((r) => r.done)) break;
    if (Date.now() > deadline) {
      problem = `not ready after 15 min (${restored}/${job.expectedKeys} restored)`;
      break;
    }
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  const ms = Number(process.hrtime.bigint() - started) / 1e6;
  const cpuMs = ownCpuMs() - cpuAtStart;
  const peakRssMb = rss.peakMb();
  rss.stop();
  await app.close();
  return {
    kind: 'restore',
    ms,
    recordsIn: restored,
    recordsOut: 0,
    recordsOutAtClose: 0,
    peakRssMb,
    maxRssMb: maxRssMb(),
    cpuMs,
    metrics: {},
    ...(problem === undefined ? {} : { problem }),
  };
}
