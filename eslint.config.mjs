// Lint rules. The core (engine, model, compose, backup) must never import vscode: it runs in plain Node,
// in the CLI and in tests without an editor.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import globals from 'globals';

const coreNoVscode = {
  'no-restricted-imports': ['error', { paths: [{ name: 'vscode', message: 'The core (engine, model, compose, backup) must not depend on VS Code.' }] }],
};

export default tseslint.config(
  { ignores: ['dist/**', 'out/**', 'node_modules/**', '.vscode-test/**', '.test-engine/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    files: ['**/*.ts'],
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', ignoreRestSiblings: true }],
      'no-constant-condition': ['error', { checkLoops: false }],
    },
  },
  { files: ['src/engine/**', 'src/model/**', 'src/compose/**', 'src/backup/**', 'src/views/describe.ts'], rules: coreNoVscode },
  {
    files: ['src/**'],
    ignores: ['src/engine/client.ts'],
    rules: {
      'no-restricted-imports': ['error', { paths: [
        { name: 'dockerode', message: 'Only src/engine/client.ts talks to dockerode.' },
      ] }],
    },
  },
  { files: ['src/engine/**', 'src/model/**', 'src/compose/**', 'src/backup/**', 'src/views/describe.ts'], ignores: ['src/engine/client.ts'], rules: {
    'no-restricted-imports': ['error', { paths: [
      { name: 'vscode', message: 'The core (engine, model, compose, backup) must not depend on VS Code.' },
      { name: 'dockerode', message: 'Only src/engine/client.ts talks to dockerode.' },
    ] }],
  } },
  {
    files: ['**/*.mjs'],
    languageOptions: { globals: { ...globals.node } },
  },
  {
    // Functions passed to page.evaluate run in the workbench page, not in Node.
    files: ['test/host/*.mjs'],
    languageOptions: { globals: { ...globals.node, ...globals.browser } },
  },
);
