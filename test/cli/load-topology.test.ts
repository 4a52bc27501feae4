import { describe, expect, it } from 'vitest';
import { loadTopology, loadTopologyDefinition, TopologyLoadError, topologyProblems } from '../../src/cli/load-topology.js';
import { TopologyError } from '../../src/index.js';

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
