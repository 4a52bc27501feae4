import { closeSync, mkdtempSync, openSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { deadLetterHeaders } from '../../src/common/dead-letter-headers.js';
import { healthReply } from '../../src/ops/health-route.js';
import { createLogger } from '../../src/ops/pino-logger.js';
import { DeadLetterLog } from '../../src/runtime/dead-letter-log.js';
import { storeOwnersReport } from '../../src/runtime/store-owners.js';
import { StreamsBuilder } from '../../src/dsl/streams-builder.js';
import { stringSerde } from '../../src/serde/string-serde.js';
import { snapshotOf } from '../ops/fake-operable-app.js';

/** The JSON examples of docs/operations.md against what the code writes: the same fields, of the same kinds. */
const OPERATIONS = readFileSync('docs/operations.md', 'utf8');

function example(marker: string): Record<string, unknown> {
  const at = OPERATIONS.indexOf(`<!-- ${marker}:`);
  const block = /```json\n([\s\S]*?)```/.exec(OPERATIONS.slice(at));
  if (at < 0 || block?.[1] === undefined) throw new Error(`docs/operations.md has no example marked ${marker}`);
  return JSON.parse(block[1]) as Record<string, unknown>;
}

/** Field name -> kind of value, nested. */
function shape(value: unknown): unknown {
  if (Array.isArray(value)) return value.length === 0 ? [] : [shape(value[0])];
  if (value !== null && typeof value === 'object') return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, shape(v)]));
  return typeof value;
}

describe('docs/operations.md', () => {
  it('shows the /health body healthReply writes', () => {
    const snapshot = snapshotOf({ instanceId: '5b0e7f1c-3f0a-4d55-9a57-2d1c0c7e2a31', restore: [] });
    const body = JSON.parse(healthReply({ ...snapshot, tasks: snapshot.tasks.map((t) => ({ ...t, state: 'RUNNING' })) }).body.toString()) as unknown;
    expect(shape(example('health'))).toEqual(shape(body));
  });

  it('shows the /stores body storeOwnersReport writes', () => {
    const b = new StreamsBuilder();
    b.stream<string, string>('in', { keySerde: stringSerde, valueSerde: stringSerde }).groupByKey().count({ storeName: 'orders' });
    const report = storeOwnersReport({
      topology: b.build(),
      applicationId: 'sale-orders',
      taskCounts: new Map([[0, 2]]),
      ownership: { owners: { '0_0': 'host-a:8080', '0_1': 'host-b:8080' }, endpoints: ['host-a:8080', 'host-b:8080'] },
      self: 'host-a:8080',
      localTasks: new Set(['0_0']),
    });
    expect(shape(example('stores'))).toEqual(shape(JSON.parse(JSON.stringify(report))));
  });

  it('shows a log line as createLogger writes it, a dead letter\'s', () => {
    const dir = mkdtempSync(join(tmpdir(), 'cdc-docs-log-'));
    const fd = openSync(join(dir, 'log'), 'w');
    try {
      const logger = createLogger({ destination: fd }).child({ applicationId: 'sale-orders' });
      new DeadLetterLog(logger).record({
        topic: 'sale-orders-dlq',
        partition: 2,
        key: null,
        value: Buffer.from('x'),
        timestamp: 0,
        headers: deadLetterHeaders({}, { topic: 'dts.sale', partition: 2, offset: '1200' }, 'UndecodableMessageError', 'not a DTS Envelope'),
      });
      const written = JSON.parse(readFileSync(join(dir, 'log'), 'utf8')) as Record<string, unknown>;
      const documented = example('log line');
      expect(Object.keys(documented)).toEqual(Object.keys(written));
      expect(shape(documented)).toEqual(shape(written));
      expect(documented['msg']).toBe(written['msg']);
    } finally {
      closeSync(fd);
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
