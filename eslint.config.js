import js from '@eslint/js';
import tseslint from 'typescript-eslint';

// Folder rules, as Kafka's checkstyle/import-control.xml: for each folder of src/, what it may import
// (docs/architecture.md, "Folders and who may import whom"). A relative import is matched on its path
// segments: `../../dsl/kstream.js` names `dsl`. No folder has a subfolder named after a folder it may not
// import (cdc/dsl and cdc/serde sit under cdc, which may import both), so a segment names the folder.
const FOLDERS = [
  'common', 'serde', 'state', 'processor', 'topology', 'dsl', 'cdc', 'runtime', 'testing', 'ops', 'sim', 'kafka-tools', 'local-broker', 'cli',
];
const CORE = ['common', 'serde', 'state', 'processor', 'topology'];

const KAFKAJS = { name: 'kafkajs', message: 'Only src/runtime/kafka/ may import kafkajs; elsewhere use src/runtime/kafka/client-facade.ts.' };
const ROCKSDB = { name: 'rocksdb', message: 'Only src/state/rocksdb/ may import rocksdb.' };
const REGISTRY = { name: '@kafkajs/confluent-schema-registry', message: 'Only src/serde/registry/ talks to the schema registry.' };

const notFolders = (names, why) => ({ regex: `(^|/)(${names.join('|')})/`, message: why });
const publicEntryOnly = { regex: '^(\\.\\./)+index\\.js$', message: 'Folders under src/index.ts never import it (an import cycle); import the module itself.' };

/** One rule block per folder: the folders of src/ it may not import, plus extra patterns. */
function folderRule(folder, { may, patterns = [], packages = [KAFKAJS, ROCKSDB, REGISTRY], files = [`src/${folder}/**/*.ts`], ignores = [], label = `src/${folder}/` }) {
  const forbidden = FOLDERS.filter((f) => f !== folder.split('/')[0] && !may.includes(f));
  return {
    files,
    ignores,
    rules: {
      'no-restricted-imports': ['error', {
        paths: packages,
        patterns: [
          ...(forbidden.length === 0 ? [] : [notFolders(forbidden, `${label} may import ${may.length === 0 ? 'no other folder' : may.join(', ')} (eslint.config.js folder rules).`)]),
          ...patterns,
        ],
      }],
    },
  };
}

// runtime/task is the Kafka-free engine and runtime/threads hosts it in workers: neither reaches up into
// runtime's own files (`../x.js`) nor into runtime/kafka.
const runtimeTopFiles = { regex: '^\\.\\./[\\w-]+\\.js$', message: 'runtime/task and runtime/threads do not import runtime/ itself.' };
const runtimeKafka = (who) => ({ regex: '(^|/)kafka/', message: `${who} does not import runtime/kafka/ (only runtime/ and runtime/kafka/ do).` });
const runtimeInternals = (allowed, who) => ({
  regex: `(^|/)runtime/(?!(${allowed.map((a) => a.replace(/[.]/g, '\\.')).join('|')})$)`,
  message: `${who} imports only ${allowed.map((a) => `runtime/${a}`).join(', ')} from runtime/.`,
});
const onlyIndexOf = (folders, who) => ({
  regex: `(^|/)(${folders.join('|')})/(?!index\\.js$)`,
  message: `${who} imports ${folders.join(', ')} through their index.ts only.`,
});

const folderRules = [
  folderRule('common', { may: [], patterns: [publicEntryOnly] }),
  folderRule('serde', { may: ['common'], patterns: [publicEntryOnly], ignores: ['src/serde/registry/**'] }),
  folderRule('serde/registry', { may: ['common'], patterns: [publicEntryOnly], packages: [KAFKAJS, ROCKSDB] }),
  folderRule('state', { may: ['common', 'serde'], patterns: [publicEntryOnly], ignores: ['src/state/rocksdb/**'] }),
  folderRule('state/rocksdb', { may: ['common', 'serde'], patterns: [publicEntryOnly], packages: [KAFKAJS, REGISTRY] }),
  folderRule('processor', { may: ['common', 'serde', 'state'], patterns: [publicEntryOnly] }),
  folderRule('topology', { may: ['common', 'serde', 'state', 'processor'], patterns: [publicEntryOnly] }),
  folderRule('dsl', { may: CORE, patterns: [publicEntryOnly] }),
  folderRule('cdc', { may: [...CORE, 'dsl'], patterns: [publicEntryOnly] }),
  // runtime never imports dsl, cdc, testing, ops, cli or sim.
  folderRule('runtime', { may: CORE, patterns: [publicEntryOnly], ignores: ['src/runtime/kafka/**', 'src/runtime/task/**', 'src/runtime/threads/**'] }),
  folderRule('runtime/kafka', { may: CORE, patterns: [publicEntryOnly], packages: [ROCKSDB, REGISTRY] }),
  // kafkajs' values come through runtime/kafka/kafkajs.ts, which puts our fixes to it in place before it loads.
  {
    files: ['src/runtime/kafka/**/*.ts'],
    ignores: ['src/runtime/kafka/kafkajs.ts'],
    rules: {
      '@typescript-eslint/no-restricted-imports': ['error', {
        paths: [{ name: 'kafkajs', allowTypeImports: true, message: "Import kafkajs' values from runtime/kafka/kafkajs.ts (it loads kafkajs after kafkajs-fixes.ts); types from 'kafkajs'." }],
      }],
    },
  },
  folderRule('runtime/task', {
    may: CORE,
    patterns: [publicEntryOnly, runtimeTopFiles, runtimeKafka('runtime/task'), { regex: '(^|/)threads/', message: 'runtime/task does not import runtime/threads/.' }],
  }),
  folderRule('runtime/threads', { may: CORE, patterns: [publicEntryOnly, runtimeTopFiles, runtimeKafka('runtime/threads')] }),
  // The TopologyTestDriver runs the task engine, never Kafka.
  folderRule('testing', { may: [...CORE, 'runtime'], patterns: [publicEntryOnly, { regex: '(^|/)runtime/(kafka|threads)/', message: 'testing/ uses runtime/task/, not runtime/kafka/ or runtime/threads/.' }] }),
  folderRule('ops', { may: [...CORE, 'runtime'], patterns: [publicEntryOnly, { regex: '(^|/)runtime/(kafka|threads)/', message: 'ops/ reads what runtime/ exposes, not runtime/kafka/ or runtime/threads/.' }] }),
  // Outside the runtime, Kafka comes through runtime/kafka/client-facade.ts.
  folderRule('kafka-tools', { may: ['common', 'runtime'], patterns: [publicEntryOnly, runtimeInternals(['kafka/client-facade.js', 'kafka-connection-config.js'], 'kafka-tools/')] }),
  folderRule('local-broker', { may: ['common', 'runtime'], patterns: [publicEntryOnly, runtimeInternals(['kafka/client-facade.js'], 'local-broker/')] }),
  // sim builds on the library's public entry, src/index.ts.
  folderRule('sim', { may: [] }),
  // The CLI: the public entry, and sim, kafka-tools and local-broker through their index.ts. Two runtime
  // files that are not public API remain (docs/architecture.md says why).
  folderRule('cli', {
    may: ['runtime', 'sim', 'kafka-tools', 'local-broker'],
    patterns: [
      onlyIndexOf(['sim', 'kafka-tools', 'local-broker'], 'cli/'),
      runtimeInternals(['kafka-connection-config.js', 'topology-topics.js'], 'cli/ (otherwise the public entry, src/index.ts)'),
    ],
  }),
  folderRule('index.ts', {
    may: [...CORE, 'dsl', 'cdc', 'runtime', 'ops'],
    files: ['src/index.ts'],
    label: 'src/index.ts',
    patterns: [],
    packages: [KAFKAJS, ROCKSDB, REGISTRY],
  }),
  // Shipped topologies are written as a user's: they import the package by its name.
  {
    files: ['topologies/**/*.ts'],
    rules: { 'no-restricted-imports': ['error', { paths: [KAFKAJS, ROCKSDB, REGISTRY], patterns: [{ regex: '(^|/)src/', message: 'A topology imports `cdc-streams`, not the sources.' }] }] },
  },
];

export default tseslint.config(
  { ignores: ['dist/**', 'node_modules/**', '.state/**', 'coverage/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    rules: {
      '@typescript-eslint/no-explicit-any': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      'no-empty': ['error', { allowEmptyCatch: false }],
    },
  },
  ...folderRules,
);
