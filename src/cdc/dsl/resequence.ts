import { ConfigError } from '../../common/errors.js';
import { KStream } from '../../dsl/kstream.js';
import type { Serde } from '../../serde/serde.js';
import { bytesSerde } from '../../serde/bytes-serde.js';
import { jsonSerde } from '../../serde/json-serde.js';
import { stringSerde } from '../../serde/string-serde.js';
import type { ChangeEvent } from '../change-event.js';
import { changeEventSerde } from '../change-event-serde.js';
import { resequencerProcessor } from '../processors/resequencer-processor.js';
import type { ResequencerOptions } from '../resequencer/resequencer-types.js';
import { resequencerEntrySerde, shardStateSerde } from '../serde/cdc-serdes.js';

export interface ResequenceOptions<K> extends ResequencerOptions<ChangeEvent> {
  /** Base name of the nodes, the repartition topic and the stores (default `resequence`). */
  readonly name?: string;
  /** Serde of the new key; required unless the stream still knows its key serde. */
  readonly keySerde?: Serde<K>;
}

/**
 * Re-sorts change events per key into source order and drops redeliveries (docs/design.md 3.3-3.4): the
 * events go through a repartition topic by key, with every upstream partition's watermark progress
 * broadcast to all of its partitions, and a resequencer holds each event in RocksDB until its shard's
 * watermark has passed it. Use as `stream.pipe(resequence({ keySerde }))`.
 */
export function resequence<K>(options: ResequenceOptions<K>): (stream: KStream<K, ChangeEvent>) => KStream<K, ChangeEvent> {
  return (stream) => {
    const keySerde = options.keySerde ?? stream.keySerde;
    if (keySerde === undefined) throw new ConfigError(`resequence('${options.name ?? 'resequence'}') needs a keySerde`);
    const base = options.name ?? 'resequence';
    const repartitioned = stream.repartition({ name: base, keySerde, valueSerde: changeEventSerde });
    const ctx = repartitioned.dslContext;
    const held = `${base}-held`;
    const shards = `${base}-shards`;
    const released = options.policy === 'emit-and-flag' ? `${base}-released` : undefined;
    const counters = options.fastPath !== undefined ? `${base}-counters` : undefined;
    const name = ctx.nameFor('CDC-RESEQUENCE', `${base}-resequencer`);
    ctx.builder.addProcessor({
      name,
      parents: [repartitioned.nodeName],
      stores: [held, shards, ...(released === undefined ? [] : [released]), ...(counters === undefined ? [] : [counters])],
      supplier: resequencerProcessor<K, ChangeEvent>({
        ...options,
        storeName: held,
        shardsStoreName: shards,
        ...(released === undefined ? {} : { releasedStoreName: released }),
        ...(counters === undefined ? {} : { countersStoreName: counters }),
      }),
    });
    // No changelog for the held events: the resequencer holds the commit at the oldest of them, so a
    // crash reads them again from the repartition topic. The shard state is changelogged.
    ctx.builder.addStore({ name: held, keySerde: bytesSerde, valueSerde: resequencerEntrySerde(keySerde, changeEventSerde), changelog: false });
    ctx.builder.addStore({ name: shards, keySerde: stringSerde, valueSerde: shardStateSerde });
    if (released !== undefined) ctx.builder.addStore({ name: released, keySerde: bytesSerde, valueSerde: jsonSerde<number>() });
    if (counters !== undefined) ctx.builder.addStore({ name: counters, keySerde, valueSerde: stringSerde });
    return new KStream<K, ChangeEvent>(ctx, name, { keySerde, valueSerde: changeEventSerde }, false);
  };
}
