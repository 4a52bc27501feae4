import { cpSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { loadTopology, loadTopologyDefinition, schemasDirFor, TopologyLoadError, topologyProblems } from '../../src/cli/load-topology.js';
import { TopologyError } from '../../src/index.js';

// Topology files written to a temporary project. Under vitest they import the library by its path:
// how a topology names the library is not what these tests are about (the installed-package test is).
const LIBRARY = resolve('src/index.ts');
const topologySource = (avroType?: string): string => `
import { defineTopology, stringSerde } from '${LIBRARY}';
export default defineTopology({
  applicationId: 'temp-project',
  build: (builder, env) => {
    builder
      .stream('in', { keySerde: stringSerde, valueSerde: ${avroType === undefined ? 'stringSerde' : `env.avro('${avroType}')`} })
      .to('out', { keySerde: stringSerde, valueSerde: ${avroType === undefined ? 'stringSerde' : `env.avro('${avroType}')`} });
  },
});
`;

const fixture = (name: string): string => `test/fixtures/topologies/${name}`;

describe('loadTopologyDefinition', () => {
  it('imports a TypeScript topology file without a build and returns its default export', async () => {
    const definition = await loadTopologyDefinition(fixture('uppercase-with-store.ts'));
    expect(definition.applicationId).toBe('cli-fixture');
  });

  it('names a missing file', async () => {
    await expect(loadTopologyDefinition(fixture('does-not-exist.ts'))).rejects.toThrow(
      new TopologyLoadError("topology file 'test/fixtures/topologies/does-not-exist.ts' not found"),
    );
  });

  it('says when the file has no default export', async () => {
    await expect(loadTopologyDefinition(fixture('no-default-export.ts'))).rejects.toThrow(/has no default export/);
  });

  it('says when the default export is not a topology definition', async () => {
    await expect(loadTopologyDefinition(fixture('not-a-topology.ts'))).rejects.toThrow(/is not a topology definition/);
  });
});

describe('loadTopology', () => {
  it('builds the topology with the --set parameters in the environment', async () => {
    const loaded = await loadTopology(fixture('uppercase-with-store.ts'), { params: { prefix: 'x-' } });
    expect(loaded.ok).toBe(true);
    if (loaded.ok) {
      expect(loaded.topology.subTopologies).toHaveLength(1);
      expect([...loaded.topology.stores.keys()]).toEqual(['seen']);
    }
  });

  it('returns the problems of an invalid graph, each naming the node and store', async () => {
    const loaded = await loadTopology(fixture('unknown-store.ts'));
    expect(loaded.ok).toBe(false);
    if (!loaded.ok) expect(loaded.problems).toEqual(["processor 'uses-missing' uses store 'missing-store', which is not defined"]);
  });
});

describe('topologyProblems', () => {
  it('splits a TopologyError into its listed problems and ignores other errors', () => {
    expect(topologyProblems(new TopologyError('invalid topology:\n  - a\n  - b'))).toEqual(['a', 'b']);
    expect(topologyProblems(new Error('invalid topology:\n  - a'))).toBeUndefined();
  });
});

describe('schemas of a topology', () => {
  let project: string;
  beforeEach(() => {
    project = mkdtempSync(join(tmpdir(), 'cdc-project-'));
    writeFileSync(join(project, 'package.json'), '{"name":"temp-project"}');
    mkdirSync(join(project, 'topologies'));
  });
  afterEach(() => rmSync(project, { recursive: true, force: true }));

  it('are not needed by a topology that uses no Avro', async () => {
    writeFileSync(join(project, 'topologies', 'plain.ts'), topologySource());
    const loaded = await loadTopology(join(project, 'topologies', 'plain.ts'));
    expect(loaded.ok).toBe(true);
  });

  it('are found in the nearest schemas/ folder at or above the topology file, whatever the working directory', async () => {
    cpSync('schemas', join(project, 'schemas'), { recursive: true });
    writeFileSync(join(project, 'topologies', 'avro.ts'), topologySource('order-event'));
    expect(schemasDirFor(join(project, 'topologies', 'avro.ts'))).toBe(join(project, 'schemas'));
    const loaded = await loadTopology(join(project, 'topologies', 'avro.ts'));
    expect(loaded.ok).toBe(true);
  });

  it('are looked for no higher than the project root, and a topology that asks for Avro without them is told where and how', async () => {
    writeFileSync(join(project, 'topologies', 'avro.ts'), topologySource('order-event'));
    const file = join(project, 'topologies', 'avro.ts');
    expect(schemasDirFor(file)).toBe(join(project, 'topologies', 'schemas'));
    await expect(loadTopology(file)).rejects.toThrow(
      `topology ${file} uses Avro: no .avsc files in ${join(project, 'topologies', 'schemas')} (the nearest schemas/ folder at or above the topology's folder; pass --schemas <dir> for another)`,
    );
  });

  it('come from --schemas when given', async () => {
    writeFileSync(join(project, 'topologies', 'avro.ts'), topologySource('order-event'));
    const loaded = await loadTopology(join(project, 'topologies', 'avro.ts'), { schemasDir: 'schemas' });
    expect(loaded.ok).toBe(true);
  });
});
