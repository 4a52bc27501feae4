import { afterAll, afterEach, describe, expect, inject, it } from 'vitest';
import { parseKafkaConnection, splitBrokers } from '../../src/runtime/kafka-connection-config.js';
import { topicPartitionCounts } from '../../src/kafka-tools/index.js';
import { KafkaTestKit } from '../support/kafka-test-kit.js';
import { prepareCountScenario, removeScenarioDirs } from '../support/e2e-count-scenario.js';
import { StreamsChild, waitFor } from '../support/streams-child.js';

/**
 * A fatal error ends the process: the changelog topic of a running application is deleted, its next
 * commit cannot write there, and `cdc-streams run` must exit with a non-zero code — everything closed,
 * nothing keeping the process alive — so that an orchestrator sees it die and restarts it.
 */
const brokers = inject('kafkaBrokers');
const kit = new KafkaTestKit(brokers);
afterEach(() => StreamsChild.killAll());
afterAll(() => removeScenarioDirs());

describe('fatal-error-exits', () => {
  for (const guarantee of ['at_least_once', 'exactly_once'] as const) {
    it(`exits non-zero, with its cause logged, when its changelog topic is deleted mid-run (${guarantee})`, { timeout: 180_000 }, async () => {
      const first = Array.from({ length: 2000 }, (_, i) => ({ key: `k${i % 50}`, value: `${i}|x` }));
      const scenario = await prepareCountScenario(kit, 'fatal', first);
      const child = StreamsChild.run({
        topology: 'test/fixtures/topologies/e2e-count.ts',
        brokers,
        applicationId: scenario.applicationId,
        stateDir: scenario.stateDir,
        guarantee,
        params: { input: scenario.topics.input, mapped: scenario.topics.mapped, counts: scenario.topics.counts },
        extraArgs: ['--commit-interval-ms', '200'],
      });
      const connection = parseKafkaConnection({ brokers: splitBrokers(brokers) });
      await waitFor('the application to create its output topic', async () => ((await topicPartitionCounts(connection, [scenario.topics.counts])).has(scenario.topics.counts) ? true : undefined), {
        timeoutMs: 60_000,
        intervalMs: 250,
        child,
      });
      await kit.readUntil(scenario.topics.counts, (messages) => messages.length >= first.length);

      const admin = kit.kafka.admin();
      await admin.connect();
      try {
        await admin.deleteTopics({ topics: [`${scenario.applicationId}-counts-changelog`] });
      } finally {
        await admin.disconnect();
      }
      // Keep input coming, so the application has changelog records to write.
      await waitFor(
        'the application to exit',
        async () => {
          await kit.produce(scenario.topics.input, [{ key: 'k1', value: 'more|x' }]);
          return child.hasExited ? true : undefined;
        },
        { timeoutMs: 150_000, intervalMs: 500 },
      );
      const exit = await child.waitForExit(1000);
      expect(exit.code, child.recentLog()).not.toBe(0);
      expect(exit.code).not.toBeNull();
      expect(child.recentLog(200)).toMatch(/counts-changelog/);
      // It ended because everything was closed, not because the CLI's last-resort exit timer fired.
      expect(child.recentLog(200)).not.toMatch(/although resources are still open/);
    });
  }
});
