import js from '@eslint/js';
import tseslint from 'typescript-eslint';

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
  {
    // Only runtime/kafka talks to Kafka, only state/rocksdb touches RocksDB (docs/design.md section 4).
    files: ['src/**/*.ts'],
    ignores: ['src/runtime/kafka/**'],
    rules: { 'no-restricted-imports': ['error', { paths: [
      { name: 'kafkajs', message: 'Only src/runtime/kafka/ may import kafkajs.' },
      { name: 'rocksdb', message: 'Only src/state/rocksdb/ may import rocksdb.' },
    ] }] },
  },
  {
    files: ['src/runtime/kafka/**/*.ts'],
    rules: { 'no-restricted-imports': ['error', { paths: [
      { name: 'rocksdb', message: 'Only src/state/rocksdb/ may import rocksdb.' },
    ] }] },
  },
  {
    files: ['src/state/rocksdb/**/*.ts'],
    rules: { 'no-restricted-imports': ['error', { paths: [
      { name: 'kafkajs', message: 'Only src/runtime/kafka/ may import kafkajs.' },
    ] }] },
  },
);
