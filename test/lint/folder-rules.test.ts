import { ESLint } from 'eslint';
import { describe, expect, it } from 'vitest';

/**
 * The folder rules of eslint.config.js (docs/architecture.md): each case is a small file placed, by its
 * path, in a folder of src/, linted with the repository's own configuration as `npm run lint` does.
 */
const eslint = new ESLint({ cwd: process.cwd() });

async function restrictedImports(filePath: string, code: string): Promise<string[]> {
  const [result] = await eslint.lintText(code, { filePath });
  if (result === undefined) throw new Error(`eslint returned no result for ${filePath}`);
  return result.messages.filter((m) => (m.ruleId === 'no-restricted-imports' || m.ruleId === '@typescript-eslint/no-restricted-imports') && m.severity === 2).map((m) => m.message);
}

describe('folder rules in eslint.config.js', () => {
  it.each([
    ['src/runtime/app-fixture.ts', "import { StreamsBuilder } from '../dsl/streams-builder.js';", /src\/runtime\/ may import common, serde/],
    ['src/runtime/kafka/fixture.ts', "import { cdcStream } from '../../cdc/dsl/cdc-stream.js';", /src\/runtime\/kafka\/ may import/],
    ['src/runtime/task/fixture.ts', "import { createKafkaClient } from '../kafka/kafka-client.js';", /runtime\/task does not import runtime\/kafka/],
    ['src/testing/fixture.ts', "import { createKafkaClient } from '../runtime/kafka/kafka-client.js';", /testing\/ uses runtime\/task\//],
    ['src/kafka-tools/fixture.ts', "import { Kafka } from 'kafkajs';", /Only src\/runtime\/kafka\/ may import kafkajs/],
    ['src/local-broker/fixture.ts', "import { createKafkaClient } from '../runtime/kafka/kafka-client.js';", /local-broker\/ imports only runtime\/kafka\/client-facade\.js/],
    ['src/cli/commands/fixture.ts', "import { StreamsApp } from '../../runtime/streams-app.js';", /cli\/ .*public entry/],
    ['src/cli/fixture.ts', "import { verify } from '../sim/verifier.js';", /through their index\.ts only/],
    ['src/sim/fixture.ts', "import { encodeEntries } from '../cdc/dts/dts-encode.js';", /src\/sim\/ may import no other folder/],
    ['src/serde/fixture.ts', "import type { KeyValueStore } from '../state/key-value-store.js';", /src\/serde\/ may import common/],
    ['src/state/fixture.ts', "import { StreamsApp } from '../index.js';", /never import it/],
    ['src/index.ts', "export * from './sim/index.js';", /src\/index\.ts may import/],
    ['src/runtime/kafka/fixture.ts', "import { Kafka } from 'kafkajs';", /from runtime\/kafka\/kafkajs\.ts/],
  ])('%s: %s is an error', async (filePath, code, message) => {
    const errors = await restrictedImports(filePath, `${code}\nexport const used = 1;\n`);
    expect(errors).toHaveLength(1);
    expect(errors[0]).toMatch(message);
  });

  it.each([
    ['src/runtime/kafka/fixture.ts', "import type { Kafka } from 'kafkajs';"],
    ['src/runtime/kafka/fixture.ts', "import { Kafka } from './kafkajs.js';"],
    ['src/runtime/kafka/fixture.ts', "import type { StreamTask } from '../task/stream-task.js';"],
    ['src/testing/fixture.ts', "import type { StreamTask } from '../runtime/task/stream-task.js';"],
    ['src/kafka-tools/fixture.ts', "import { connectAdmin } from '../runtime/kafka/client-facade.js';"],
    ['src/cli/commands/fixture.ts', "import { StreamsApp } from '../../index.js';"],
    ['src/cli/commands/fixture.ts', "import { simulateFlashSale } from '../../sim/index.js';"],
    ['src/sim/model/fixture.ts', "import { ConfigError } from '../../index.js';"],
    ['src/cdc/fixture.ts', "import { KStream } from '../dsl/kstream.js';"],
  ])('%s: %s is allowed', async (filePath, code) => {
    expect(await restrictedImports(filePath, `${code}\nexport const used = 1;\n`)).toEqual([]);
  });
});
