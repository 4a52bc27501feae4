import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { TimerService } from '../../../src/processor/timer-service.js';
import type { ProcessorContext } from '../../../src/processor/processor-context.js';
import type { StreamRecord } from '../../../src/processor/stream-record.js';
import { bytesSerde } from '../../../src/serde/bytes-serde.js';
import { stringSerde } from '../../../src/serde/string-serde.js';
import { TopologyTestDriver } from '../../../src/testing/topology-test-driver.js';
import { TopologyBuilder } from '../../../src/topology/topology-builder.js';

/** `remember` stores the value and sets a timer 100 ms of stream time later; each record first fires due timers. */
function reminderTopology() {
  return new TopologyBuilder()
    .addSource({ name: 'in', topics: ['in'], keySerde: stringSerde, valueSerde: stringSerde })
    .addProcessor({
      name: 'reminders',
      parents: ['in'],
      stores: ['notes', 'timers'],
      supplier: () => {
        let context: ProcessorContext<string, string>;
        let timers: TimerService<string>;
        return {
          init(c: ProcessorContext<string, string>) {
            context = c;
            timers = new TimerService(c.getStateStore<Buffer, Buffer>('timers'), stringSerde);
          },
          async process(record: StreamRecord<string, string>) {
            await timers.fireDue(record.timestamp, (t) =>
              context.forward({ key: t.key, value: `due:${t.payload}`, timestamp: t.dueTime, headers: {} }),
            );
            if (record.value.startsWith('remember ')) {
              context.getStateStore<string, string>('notes').put(record.key, record.value.slice(9));
              timers.register(record.timestamp + 100, record.key, record.value.slice(9));
            }
          },
        };
      },
    })
    .addStore({ name: 'notes', keySerde: stringSerde, valueSerde: stringSerde })
    .addStore({ name: 'timers', keySerde: bytesSerde, valueSerde: bytesSerde })
    .addSink({ name: 'out', topic: 'out', parents: ['reminders'], keySerde: stringSerde, valueSerde: stringSerde })
    .build();
}

const dirs: string[] = [];
afterEach(async () => {
  for (const d of dirs.splice(0)) await rm(d, { recursive: true, force: true });
});

describe('a RocksDB store and a pending timer across a restart', () => {
  it('keeps the stored value and the timer, which fires in the next driver once stream time passes it', async () => {
    const stateDir = await mkdtemp(join(tmpdir(), 'cdc-streams-restart-'));
    dirs.push(stateDir);
    const first = await TopologyTestDriver.create(reminderTopology(), { stateDir });
    await first.pipeInput('in', 'milk', 'remember buy milk', { timestamp: 1000 });
    await first.pipeInput('in', 'other', 'noise', { timestamp: 1050 });
    expect(first.readAllOutput('out')).toEqual([]);
    await first.close();

    const second = await TopologyTestDriver.create(reminderTopology(), { stateDir });
    try {
      expect(await second.getStore<string, string>('notes').get('milk')).toBe('buy milk');
      await second.pipeInput('in', 'other', 'noise', { timestamp: 1099 });
      expect(second.readAllOutput('out')).toEqual([]);
      await second.pipeInput('in', 'other', 'noise', { timestamp: 1100 });
      expect(second.readAllOutput<string, string>('out').map((r) => [r.key, r.value, r.timestamp])).toEqual([['milk', 'due:buy milk', 1100]]);
    } finally {
      await second.close();
    }
  });
});
