import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Kafka } from 'kafkajs';
import { afterEach, describe, expect, it } from 'vitest';
import { StreamsBuilder } from '../../../src/dsl/streams-builder.js';
import { StandbyTasks } from '../../../src/runtime/kafka/standby-tasks.js';
import { LocalTaskPorts } from '../../../src/runtime/task/local-task-port.js';
import { stringSerde } from '../../../src/serde/string-serde.js';
import { recordingLogger } from '../../support/recording-logger.js';

function countTopology() {
  const b = new StreamsBuilder();
  b.stream<string, string>('in', { keySerde: stringSerde, valueSerde: stringSerde }).groupByKey().count({ storeName: 'counts' });
  return b.build();
}

const topics = {
  partitionCount: () => 2,
  maxRecordBytes: () => 1024 * 1024,
  inputPartitions: () => ({ count: 2, countRead: 0, readsStarted: 0 }),
};

const dirs: string[] = [];
afterEach(async () => {
  for (const d of dirs.splice(0)) await rm(d, { recursive: true, force: true });
});

describe('StandbyTasks: state left in the state directory', () => {
  it('reports the checkpoint of a task an earlier run left on disk, until the task runs here', async () => {
    const stateDir = await mkdtemp(join(tmpdir(), 'cdc-streams-standby-'));
    dirs.push(stateDir);
    const topology = countTopology();
    const ports = new LocalTaskPorts(
      { applicationId: 'app', topology, stateDir, defaultStoreKind: 'persistent', clock: Date.now, errorPolicies: { deserialization: 'fail', processing: 'fail' }, deadLetterTopic: 'app-dlq' },
      topics,
    );
    const spec = { subTopology: topology.subTopologies[0]!, partition: 1 };
    // An earlier run restored (or committed) the changelog up to offset 42.
    const earlier = await ports.open(spec);
    await earlier.restore('counts', [], '42');
    await earlier.close();

    // The Kafka client is never used for this: no broker is contacted.
    const standbys = new StandbyTasks({ kafka: new Kafka({ brokers: ['127.0.0.1:1'] }), topology, applicationId: 'app', readCommitted: true, ports, logger: recordingLogger(), onError: (e) => { throw e; } });
    await standbys.readStateLeftOnDisk([spec]);
    expect(standbys.offsets(new Set())).toEqual({ '0_1': 42 });
    expect(standbys.offsets(new Set(['0_1']))).toEqual({});
    standbys.forgetStateLeftOnDisk(['0_1']);
    expect(standbys.offsets(new Set())).toEqual({});
    // The stores were closed again: the task can open them.
    const again = await ports.open(spec);
    expect(await again.changelogOffset('counts')).toBe('42');
    await again.close();
  });
});
