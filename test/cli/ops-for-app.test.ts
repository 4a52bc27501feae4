import { describe, expect, it } from 'vitest';
import { startOpsFor } from '../../src/cli/ops-for-app.js';
import { FakeOperableApp } from '../ops/fake-operable-app.js';
import { recordingLogger } from '../support/recording-logger.js';

describe('startOpsFor', () => {
  it("logs 'ops server listening' once, with its url", async () => {
    const logger = recordingLogger();
    const ops = await startOpsFor(new FakeOperableApp(), 0, logger);
    try {
      const listening = logger.lines.filter((l) => l.message === 'ops server listening');
      expect(listening).toHaveLength(1);
      expect(listening[0]?.fields['url']).toBe(ops.url);
    } finally {
      await ops.close();
    }
  });
});
