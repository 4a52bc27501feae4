/**
 * A bench stage in its own process, so that its peak RSS is its own and a CPU profile covers it alone:
 *
 *     node --import tsx bench/stage-worker.ts '<BenchJob as JSON>'
 *
 * Prints `BENCH_READY` once the application started, then one `BENCH_RESULT <JobResult as JSON>` line.
 */
// cdc-streams first, as its users do: it installs its kafkajs fixes (the read_committed filter) before
// any module here loads kafkajs (docs/reliability.md, "Aborted records read as committed").
import '../src/index.js';
import { READY_PREFIX, RESULT_PREFIX, type BenchJob, type JobResult } from './bench-jobs.js';
import { drainPassthrough } from './passthrough-drain.js';
import { drainRestore } from './restore-drain.js';
import { drainSaleOrders } from './sale-orders-drain.js';

async function runJob(job: BenchJob): Promise<JobResult> {
  switch (job.kind) {
    case 'sale-orders':
      return drainSaleOrders(job, () => process.stdout.write(`${READY_PREFIX}\n`));
    case 'passthrough':
      return drainPassthrough(job);
    case 'restore':
      return drainRestore(job);
  }
}

const arg = process.argv[2];
if (arg === undefined) {
  process.stderr.write('usage: stage-worker.ts <job JSON>\n');
  process.exit(2);
}
const result = await runJob(JSON.parse(arg) as BenchJob);
// kafkajs and pino may keep handles open after close(); the result line is the end of the job.
process.stdout.write(`${RESULT_PREFIX}${JSON.stringify(result)}\n`, () => process.exit(0));
