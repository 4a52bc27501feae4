import { mkdtemp, rm } from 'node:fs/promises';
import { randomUUID } from 'node:crypto';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { IHeaders } from 'kafkajs';
import { afterAll, describe, expect, inject, it } from 'vitest';
import {
  DLQ_HEADER_ERROR_CLASS,
  DLQ_HEADER_ERROR_MESSAGE,
  DLQ_HEADER_OFFSET,
  DLQ_HEADER_PARTITION,
  DLQ_HEADER_TOPIC,
} from '../../src/common/constants.js';
import { StreamsBuilder } from '../../src/dsl/streams-builder.js';
import { splitBrokers } from '../../src/runtime/kafka-connection-config.js';
import { StreamsApp } from '../../src/runtime/streams-app.js';
import { jsonSerde } from '../../src/serde/json-serde.js';
import { stringSerde } from '../../src/serde/string-serde.js';
import { KafkaTestKit } from '../support/kafka-test-kit.js';
import { recordingLogger } from '../support/recording-logger.js';

/**
 * docs/design.md 6: with `dead-letter` policies, a record that cannot be deserialized or processed goes to
 * `<applicationId>-dlq` with headers naming where it came from and why, and everything else is processed.
 */
const brokers = inject('kafkaBrokers');
const kit = new KafkaTestKit(brokers);
const PARTITIONS = 3;
const PER_PARTITION = 30;
/** Partition 1, offset 10: its value is cut-off JSON. */
const POISON = { partition: 1, offset: 10 };
/** Partition 0, offset 13: the mapper throws for it. */
const UNLUCKY = { partition: 0, offset: 13 };

class UnluckyNumberError extends Error {}

const dirs: string[] = [];
afterAll(async () => {
  for (const d of dirs) await rm(d, { recursive: true, force: true });
});

function header(headers: IHeaders | undefined, name: string): string | undefined {
  const value = headers?.[name];
  return value === undefined ? undefined : String(Array.isArray(value) ? value[0] : value);
}

describe('dead-letter: a poison record and a failing mapper under dead-letter policies (at_least_once)', () => {
  it('sends both records to <applicationId>-dlq with their origin and error headers, logs each once, and processes all the others', async () => {
    const applicationId = `e2e-dlq-${randomUUID().slice(0, 8)}`;
    const input = `${applicationId}-in`;
    const output = `${applicationId}-out`;
    await kit.createTopic(input, PARTITIONS);
    const unluckyN = UNLUCKY.partition * PER_PARTITION + UNLUCKY.offset;
    const poisonN = POISON.partition * PER_PARTITION + POISON.offset;
    const messages = Array.from({ length: PARTITIONS * PER_PARTITION }, (_, n) => {
      const partition = Math.floor(n / PER_PARTITION);
      const value = n === poisonN ? `{"n": ${n}` : JSON.stringify({ n });
      return { key: `key-${n}`, value, partition };
    });
    await kit.produce(input, messages);

    const b = new StreamsBuilder();
    b.stream<string, { n: number }>(input, { keySerde: stringSerde, valueSerde: jsonSerde<{ n: number }>() })
      .mapValues((v) => {
        if (v.n === unluckyN) throw new UnluckyNumberError(`${v.n} is unlucky`);
        return String(v.n);
      })
      .to(output, { valueSerde: stringSerde });
    const stateDir = await mkdtemp(join(tmpdir(), 'e2e-dlq-'));
    dirs.push(stateDir);
    const logger = recordingLogger();
    const app = new StreamsApp(
      b.build(),
      {
        applicationId,
        kafka: { brokers: splitBrokers(brokers) },
        stateDir,
        commitIntervalMs: 300,
        errorPolicies: { deserialization: 'dead-letter', processing: 'dead-letter' },
      },
      { logger },
    );
    await app.start();
    const expected = messages.length - 2;
    try {
      await kit.readUntil(output, (m) => m.length >= expected);
      await kit.readUntil(`${applicationId}-dlq`, (m) => m.length >= 2);
      expect(app.state).toBe('RUNNING');
    } finally {
      await app.close();
    }
    await expect(app.stopped).resolves.toBeUndefined();

    const out = await kit.readAll(output);
    expect(out.map((m) => Number(m.value?.toString())).sort((x, y) => x - y)).toEqual(
      messages.map((_, n) => n).filter((n) => n !== poisonN && n !== unluckyN),
    );

    const dead = await kit.readAll(`${applicationId}-dlq`);
    const described = dead
      .map((m) => ({
        key: m.key?.toString(),
        value: m.value?.toString(),
        topic: header(m.headers, DLQ_HEADER_TOPIC),
        partition: header(m.headers, DLQ_HEADER_PARTITION),
        offset: header(m.headers, DLQ_HEADER_OFFSET),
        errorClass: header(m.headers, DLQ_HEADER_ERROR_CLASS),
      }))
      .sort((x, y) => Number(x.partition) - Number(y.partition));
    expect(described).toEqual([
      {
        key: `key-${unluckyN}`,
        value: JSON.stringify({ n: unluckyN }),
        topic: input,
        partition: String(UNLUCKY.partition),
        offset: String(UNLUCKY.offset),
        errorClass: 'UnluckyNumberError',
      },
      {
        key: `key-${poisonN}`,
        value: `{"n": ${poisonN}`,
        topic: input,
        partition: String(POISON.partition),
        offset: String(POISON.offset),
        errorClass: 'InvalidJsonError',
      },
    ]);
    const messagesByKey = new Map(dead.map((m) => [m.key?.toString(), header(m.headers, DLQ_HEADER_ERROR_MESSAGE) ?? '']));
    expect(messagesByKey.get(`key-${poisonN}`)).toMatch(/invalid JSON/);
    expect(messagesByKey.get(`key-${unluckyN}`)).toMatch(new RegExp(`${unluckyN} is unlucky`));

    const logged = logger.lines
      .filter((l) => l.message === 'record sent to the dead-letter topic')
      .map((l) => ({ level: l.level, topic: l.fields['topic'], partition: l.fields['partition'], offset: l.fields['offset'], reason: l.fields['reason'] }))
      .sort((x, y) => Number(x.partition) - Number(y.partition));
    expect(logged).toEqual([
      { level: 'warn', topic: input, partition: UNLUCKY.partition, offset: String(UNLUCKY.offset), reason: messagesByKey.get(`key-${unluckyN}`) },
      { level: 'warn', topic: input, partition: POISON.partition, offset: String(POISON.offset), reason: messagesByKey.get(`key-${poisonN}`) },
    ]);
  });
});
