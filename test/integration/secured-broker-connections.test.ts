import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, it } from 'vitest';
import { generateTlsMaterial, type SecuredBrokerHandle, type TlsMaterial } from '../../src/local-broker/index.js';
import { countInput, idAccounting, latestCounts, wrongCounts } from '../support/e2e-count-data.js';
import { prepareCountScenario, removeScenarioDirs, type CountScenario } from '../support/e2e-count-scenario.js';
import { KafkaTestKit } from '../support/kafka-test-kit.js';
import { mutualTlsFlags, saslSslFlags, startTestSecuredBroker, TEST_SCRAM_USER, warmUpInternalTopics } from '../support/secured-broker.js';
import { StreamsChild } from '../support/streams-child.js';

/**
 * Issue 20: the CLI runs a topology against a broker that requires SASL/SCRAM over TLS or a client
 * certificate, and refuses to run — one line, exit 1, nothing processed — with a wrong password or a
 * certificate the other side does not trust. The broker is this file's own (a local one with secured
 * listeners); the test kit sets up and reads topics through its plain listener.
 */
const MESSAGES = 3_000;
const KEYS = 30;
const TOPOLOGY = 'test/fixtures/topologies/e2e-count.ts';

let broker: SecuredBrokerHandle;
let kit: KafkaTestKit;
/** A second CA and a client certificate signed by it, which the broker has never heard of. */
let stranger: TlsMaterial;
let strangerDir: string;

beforeAll(async () => {
  broker = await startTestSecuredBroker();
  kit = new KafkaTestKit(broker.brokers);
  await warmUpInternalTopics(kit);
  strangerDir = await mkdtemp(join(tmpdir(), 'it-untrusted-ca-'));
  stranger = await generateTlsMaterial(strangerDir, { clientCertificate: true });
});
// The tests run side by side (each has its own topics and group), so no afterEach may kill children.
afterAll(async () => {
  await StreamsChild.killAll();
  await broker?.stop();
  if (strangerDir !== undefined) await rm(strangerDir, { recursive: true, force: true });
  await removeScenarioDirs();
});

/** Input written, and the outputs created beforehand: readable at once, and empty ones can be checked. */
async function prepareScenario(name: string, messages: number): Promise<CountScenario> {
  const scenario = await prepareCountScenario(kit, name, countInput({ to: messages }, KEYS));
  await kit.createTopic(scenario.topics.mapped, 6);
  await kit.createTopic(scenario.topics.counts, 6);
  return scenario;
}

function runChild(scenario: CountScenario, connection: { brokers: string; args: string[] }): StreamsChild {
  return StreamsChild.run({
    topology: TOPOLOGY,
    brokers: connection.brokers,
    applicationId: scenario.applicationId,
    stateDir: scenario.stateDir,
    guarantee: 'exactly_once',
    params: scenario.topics,
    extraArgs: [...connection.args, '--commit-interval-ms', '200'],
  });
}

/** `work`'s result; fails at once, with the child's log, if the child exits first, and with its log if `work` fails. */
async function whileRunning<T>(child: StreamsChild, work: Promise<T>): Promise<T> {
  const exited = child.exited.then((exit) => {
    throw new Error(`the child exited (${JSON.stringify(exit)}) before the output was complete; its log ends with:\n${child.recentLog()}`);
  });
  try {
    return await Promise.race([work, exited]);
  } catch (error) {
    if (error instanceof Error && !error.message.includes('its log ends with')) error.message += `; the child's log ends with:\n${child.recentLog()}`;
    throw error;
  }
}

// Concurrent: most of each test is waiting (child start-up, kafkajs retrying a TLS failure), so side by
// side the file takes about as long as its slowest test.
describe.concurrent('secured-broker-connections: a broker with a SASL_SSL (SCRAM) and a mutual-TLS listener', () => {
  it.for([
    ['SASL_SSL with a SCRAM-SHA-512 user', () => saslSslFlags(broker)],
    ['mutual TLS with a client certificate', () => mutualTlsFlags(broker)],
  ] as const)('over %s maps every record once and ends with the exact count per key', async ([, connection], { expect }) => {
    const scenario = await prepareScenario('secured', MESSAGES);
    const child = runChild(scenario, connection());
    await whileRunning(child, kit.readUntil(scenario.topics.mapped, (m) => m.length >= MESSAGES));
    child.kill('SIGTERM');
    expect(await child.waitForExit(30_000), child.recentLog()).toEqual({ code: 0, signal: null });

    const mapped = await kit.readAll(scenario.topics.mapped);
    expect(idAccounting(mapped, MESSAGES)).toEqual({ duplicates: [], missing: [], unexpected: [] });
    expect(mapped.length).toBe(MESSAGES);
    const { latest, notIncreasing } = latestCounts(await kit.readAll(scenario.topics.counts));
    expect(notIncreasing).toEqual([]);
    expect(wrongCounts(latest, KEYS, () => MESSAGES / KEYS)).toEqual([]);
  });

  it('refuses a wrong password, an untrusted client certificate and an untrusted broker certificate: each exits 1 with one line, processing nothing', async ({ expect }) => {
    const cases = [
      {
        what: 'wrong SCRAM password',
        connection: saslSslFlags(broker, { password: 'not-the-password' }),
        line: new RegExp(`^cdc-streams: Kafka at 127\\.0\\.0\\.1:\\d+ refused SASL user '${TEST_SCRAM_USER.username}' \\(scram-sha-512\\): .*invalid credentials`),
      },
      {
        what: 'client certificate from a CA the broker does not trust',
        connection: mutualTlsFlags(broker, stranger.client),
        line: /^cdc-streams: TLS to Kafka at 127\.0\.0\.1:\d+ failed: the broker refused the client certificate '.+client\.pem' \(TLS alert: [a-z ]+\)/,
      },
      {
        what: 'broker certificate the client does not trust (no --tls-ca)',
        connection: saslSslFlags(broker, { withCa: false }),
        line: /^cdc-streams: TLS to Kafka at 127\.0\.0\.1:\d+ failed: the broker's certificate is not trusted \(.+\); give the CA that signed it/,
      },
    ];
    const started = [];
    for (const c of cases) {
      const scenario = await prepareScenario('refused', 100);
      started.push({ ...c, scenario, child: runChild(scenario, c.connection) });
    }
    // The three run side by side: together they take as long as the slowest (kafkajs retries a TLS failure for ~10 s).
    const runs = await Promise.all(started.map(async (run) => ({ ...run, exit: await run.child.waitForExit(90_000) })));
    for (const { what, scenario, child, exit, line } of runs) {
      expect(exit, `${what}:\n${child.recentLog()}`).toEqual({ code: 1, signal: null });
      // Everything on stderr except the JSON log is the error the user reads: one line.
      const printed = child.recentLog(200).split('\n').filter((l) => l.trim() !== '' && !l.startsWith('{'));
      expect(printed, what).toHaveLength(1);
      expect(printed[0], what).toMatch(line);
      for (const topic of [scenario.topics.mapped, scenario.topics.counts]) {
        expect([...(await kit.endOffsets(topic)).values()], `${what}: ${topic} stays empty`).toEqual([0n, 0n, 0n, 0n, 0n, 0n]);
      }
      const committed = await kit.committedOffsets(scenario.applicationId, scenario.topics.input);
      expect([...committed.values()].every((o) => o < 0n), `${what}: no input offset committed`).toBe(true);
    }
  });
});
