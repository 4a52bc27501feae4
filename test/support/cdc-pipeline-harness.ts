import type { ChangeEvent } from '../../src/cdc/change-event.js';
import { DtsSourceProcessor } from '../../src/cdc/processors/dts-source-processor.js';
import { ResequencerProcessor } from '../../src/cdc/processors/resequencer-processor.js';
import type { ResequencerEntry, ShardState } from '../../src/cdc/resequencer/resequencer-types.js';
import { isLateRecord } from '../../src/cdc/resequencer/late-flag.js';
import { withKey, type StreamRecord } from '../../src/processor/stream-record.js';
import { generateStream, Random } from './cdc-stream-generator.js';
import { bufferKeyStore, stringKeyStore } from './fake-key-value-store.js';
import { FakeProcessorContext } from './fake-processor-context.js';

type Output = { kind: 'data'; record: StreamRecord<null, ChangeEvent> } | { kind: 'control'; record: StreamRecord<unknown, unknown> };

/** What one seed produced, and which of the input's misbehaviours it went through. */
export interface PipelineRun {
  readonly actual: Map<string, string[]>;
  /** Identities released flagged late (emit-and-flag only). */
  readonly late: ReadonlySet<string>;
  readonly expected: Map<string, string[]>;
  readonly exercised: Record<
    'deadLetters' | 'orphanPieces' | 'duplicatePieces' | 'anomalies' | 'rollbacks' | 'duplicatesDropped' | 'restarts' | 'heldStoresLost' | 'heldStoresBehind' | 'reread',
    number
  >;
}

interface Upstream {
  context: FakeProcessorContext<null, ChangeEvent>;
  processor: DtsSourceProcessor;
  next: number;
  queue: Output[];
}

const identity = (event: ChangeEvent): string =>
  `${event.source.serverId}:${event.source.gtidSequence}:${event.source.position}:${event.source.rowIndex}`;

/**
 * Runs one seed through DTS source processors (one per input partition, as one task each) and one
 * resequencer downstream (as after a repartition: what reaches it is appended to its input log),
 * interleaving partitions at random, crashing and restarting upstream tasks (re-reading from their
 * held offset) and the resequencer. Every step counts as committed: changelogged stores (shards,
 * released identities) keep their state. The held store has no changelog: a downstream crash finds it
 * as it is, lost (a new disk), or as an earlier commit flushed it, and the resequencer reads its input
 * log again from its held offset. Returns, per key, the identities the resequencer emitted.
 */
export async function runPipeline(
  seed: number,
  trace: (what: string) => void = () => undefined,
  policy: 'wait' | 'emit-and-flag' = 'wait',
): Promise<PipelineRun> {
  const { partitions, expected, idleHeartbeats } = generateStream(seed);
  const rnd = new Random(seed ^ 0x5eed);
  // Apart from rnd, so the misbehaviours each seed goes through stay where they were.
  const batching = new Random(seed ^ 0xba7c4);
  const startUpstream = (partition: number, next: number, queue: Output[]): Upstream => {
    const context = new FakeProcessorContext<null, ChangeEvent>(partition, 'dts-source');
    context.partitionCount = partitions.length;
    const processor = new DtsSourceProcessor({ watermarkResendIntervalMs: 1000 });
    processor.init(context);
    return { context, processor, next, queue };
  };
  const exercised = {
    deadLetters: 0,
    orphanPieces: 0,
    duplicatePieces: 0,
    anomalies: 0,
    rollbacks: 0,
    duplicatesDropped: 0,
    restarts: 0,
    heldStoresLost: 0,
    heldStoresBehind: 0,
    reread: 0,
  };
  const account = (upstream: Upstream) => {
    const { reassembler, grouper, metrics } = upstream.processor;
    exercised.deadLetters += metrics.deadLetters;
    exercised.orphanPieces += reassembler.metrics.orphanPieces;
    exercised.duplicatePieces += reassembler.metrics.duplicatePieces;
    exercised.anomalies += grouper.metrics.anomalies;
    exercised.rollbacks += grouper.metrics.rollbacks;
  };
  const upstreams = partitions.map((_, p) => startUpstream(p, 0, []));

  let held = bufferKeyStore<ResequencerEntry<string, ChangeEvent>>('held');
  // The held store as an earlier commit flushed it: what the disk may hold after a crash.
  let heldFlushedEarlier = held.copy();
  const shards = stringKeyStore<ShardState>('shards');
  const releasedIdentities = bufferKeyStore<number>('released');
  const resequencerOptions =
    policy === 'wait'
      ? { storeName: 'held', shardsStoreName: 'shards' }
      : { storeName: 'held', shardsStoreName: 'shards', policy, maxHoldMs: 1000, releasedStoreName: 'released' };
  let clock = 0;
  const downstreamContext = (): FakeProcessorContext<string, ChangeEvent> => {
    const context = new FakeProcessorContext<string, ChangeEvent>(0, 'resequence').addStore(held).addStore(shards).addStore(releasedIdentities);
    context.systemTime = clock;
    return context;
  };
  // The repartition partition the resequencer reads: offset = index.
  const downstreamLog: Output[] = [];
  let downstreamNext = 0;
  let downstream = downstreamContext();
  let resequencer = new ResequencerProcessor<string, ChangeEvent>(resequencerOptions);
  await resequencer.init(downstream);
  const released: ChangeEvent[] = [];
  const late = new Set<string>();
  const collect = () => {
    for (const { record } of downstream.forwarded.splice(0)) {
      released.push(record.value);
      if (isLateRecord(record)) late.add(identity(record.value));
    }
  };
  // One call is one fetched batch: the resequencer releases at its end what the batch's watermarks allow.
  const deliver = async () => {
    while (downstreamNext < downstreamLog.length) {
      const output = downstreamLog[downstreamNext] as Output;
      downstream.metadata = { topic: 'resequence-repartition', partition: 0, offset: String(downstreamNext) };
      if (output.kind === 'data') {
        await resequencer.process(withKey(output.record, String(output.record.value.row['k'])));
      } else {
        await resequencer.processControl(output.record);
      }
      downstreamNext++;
      collect();
    }
    await resequencer.onBatchEnd();
    collect();
  };

  // Upstream's periodic re-send of its progress (a wall-clock punctuation in the engine).
  const resend = async (upstream: Upstream) => {
    await upstream.context.punctuate('wall-clock');
    upstream.queue.push(...withoutDeadLetters(upstream.context.output.splice(0)));
  };
  let finalRound = false;
  for (;;) {
    const readable = upstreams.filter((u, p) => u.next < (partitions[p] as Buffer[]).length);
    const queued = upstreams.filter((u) => u.queue.length > 0);
    if (readable.length === 0 && queued.length === 0) {
      // Idle: in production heartbeats and re-sends keep coming; one more heartbeat per partition
      // lets restarted tasks relearn every partition's final progress.
      if (finalRound) {
        await deliver();
        break;
      }
      finalRound = true;
      for (const input of partitions) input.push(idleHeartbeats);
      continue;
    }
    const roll = rnd.next();
    // No crashes once the idle heartbeats are in flight: they stand for "heartbeats keep coming".
    if (finalRound && roll < 0.015) continue;
    if (policy === 'emit-and-flag' && roll > 0.98) {
      // Wall clock moves on; the resequencer's stall check may release a shard early.
      clock += rnd.int(0, 600);
      downstream.systemTime = clock;
      await downstream.punctuate('wall-clock');
      collect();
    } else if (roll < 0.005) {
      await resend(upstreams[rnd.int(0, upstreams.length - 1)] as Upstream);
    } else if (roll < 0.01) {
      // Upstream crash: everything sent so far is committed; re-read from the held offset.
      const p = rnd.int(0, upstreams.length - 1);
      const old = upstreams[p] as Upstream;
      const resume = old.context.heldOffset === undefined ? old.next : Number(old.context.heldOffset);
      trace(`upstream ${p} restarts at ${resume} (was at ${old.next})`);
      account(old);
      exercised.restarts++;
      upstreams[p] = startUpstream(p, resume, old.queue);
    } else if (roll < 0.0125) {
      // A commit flushes the held store: a later crash may find it like this.
      heldFlushedEarlier = held.copy();
    } else if (roll < 0.015) {
      // Downstream crash: the in-memory watermarks are gone, the changelogged stores are as committed,
      // the held store is as it was, lost, or behind; the input is read again from the committed offset.
      collect();
      const committed = downstream.heldOffset === undefined ? downstreamNext : Math.min(Number(downstream.heldOffset), downstreamNext);
      const disk = rnd.next();
      if (disk < 1 / 3) {
        held = bufferKeyStore<ResequencerEntry<string, ChangeEvent>>('held');
        exercised.heldStoresLost++;
      } else if (disk < 2 / 3) {
        held = heldFlushedEarlier.copy();
        exercised.heldStoresBehind++;
      }
      trace(`downstream restarts at ${committed} (was at ${downstreamNext}), held store ${disk < 1 / 3 ? 'lost' : disk < 2 / 3 ? 'behind' : 'kept'}`);
      exercised.duplicatesDropped += resequencer.metrics?.duplicatesDropped ?? 0;
      exercised.restarts++;
      exercised.reread += downstreamNext - committed;
      downstreamNext = committed;
      downstream = downstreamContext();
      resequencer = new ResequencerProcessor<string, ChangeEvent>(resequencerOptions);
      await resequencer.init(downstream);
      await deliver();
    } else if (readable.length > 0 && (queued.length === 0 || roll < 0.6)) {
      const upstream = readable[rnd.int(0, readable.length - 1)] as Upstream;
      const partition = upstream.context.partition;
      const value = (partitions[partition] as Buffer[])[upstream.next] as Buffer;
      upstream.context.metadata = { topic: 'dts.sale', partition, offset: String(upstream.next) };
      upstream.processor.process({ key: null, value, timestamp: 0, headers: {} });
      upstream.processor.onBatchEnd();
      upstream.next++;
      upstream.queue.push(...withoutDeadLetters(upstream.context.output.splice(0)));
    } else {
      const upstream = queued[rnd.int(0, queued.length - 1)] as Upstream;
      const output = upstream.queue.shift() as Output;
      trace(`${upstream.context.partition} -> ${output.kind} ${output.kind === 'data' ? identity(output.record.value) : String(output.record.value)}`);
      downstreamLog.push(output);
      // Sometimes the resequencer's next fetch finds several records waiting: a batch mixing data and control.
      if (batching.next() < 0.6) await deliver();
    }
  }
  collect();
  for (const upstream of upstreams) account(upstream);
  exercised.duplicatesDropped += resequencer.metrics?.duplicatesDropped ?? 0;
  trace(`metrics ${JSON.stringify(resequencer.metrics, (_k, v: unknown) => (typeof v === 'bigint' ? String(v) : v instanceof Map ? [...v] : v))}`);
  const actual = new Map<string, string[]>();
  for (const event of released) {
    const key = String(event.row['k']);
    const list = actual.get(key) ?? [];
    list.push(identity(event));
    actual.set(key, list);
  }
  return { actual, expected, exercised, late };
}


/** Dead letters (raw bytes to the dead-letter child) are counted by the processor; only events and control go on. */
function withoutDeadLetters(outputs: Output[]): Output[] {
  return outputs.filter((o) => o.kind === 'control' || !Buffer.isBuffer(o.record.value));
}
