// Lint rules. The core (engine, model, compose, backup) must never import vscode: it runs in plain Node,
// in the CLI and in tests without an editor.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import globals from 'globals';

const coreNoVscode = {
  'no-restricted-imports': ['error', { paths: [{ name: 'vscode', message: 'The core (engine, model, compose, backup, browse) must not depend on VS Code.' }] }],
};

// The core is what the adapters are built on: it never imports one of them.
const coreNoAdapters = ['views', 'commands', 'language'].map((adapter) => ({
  group: [`**/${adapter}`, `**/${adapter}/**`],
  message: `The core does not import an adapter (${adapter}): move what both need into the core or a module at src/.`,
}));

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
  { files: ['src/engine/**', 'src/model/**', 'src/compose/**', 'src/backup/**', 'src/browse/**', 'src/views/describe.ts'], rules: coreNoVscode },
  {
    files: ['src/**'],
    ignores: ['src/engine/client.ts'],
    rules: {
      'no-restricted-imports': ['error', { paths: [
        { name: 'dockerode', message: 'Only src/engine/client.ts talks to dockerode.' },
      ] }],
    },
  },
  // The adapters (views, commands, language features) meet through the core and the shared modules at src/
  // (l10n, config, log, ids), never through each other.
  ...['views', 'commands', 'language'].map((adapter) => ({
    files: [`src/${adapter}/**`],
    rules: {
      'no-restricted-imports': ['error', {
        paths: [{ name: 'dockerode', message: 'Only src/engine/client.ts talks to dockerode.' }],
        patterns: ['views', 'commands', 'language'].filter((other) => other !== adapter).map((other) => ({
          group: [`**/${other}`, `**/${other}/**`],
          message: `An adapter does not import another adapter (${adapter} -> ${other}): share through the core or a module at src/.`,
        })),
      }],
    },
  })),
  { files: ['src/engine/**', 'src/model/**', 'src/compose/**', 'src/backup/**', 'src/browse/**', 'src/views/describe.ts'], ignores: ['src/engine/client.ts'], rules: {
    'no-restricted-imports': ['error', { paths: [
      { name: 'vscode', message: 'The core (engine, model, compose, backup, browse) must not depend on VS Code.' },
      { name: 'dockerode', message: 'Only src/engine/client.ts talks to dockerode.' },
    ], patterns: coreNoAdapters } ],
  } },
  {
    files: ['**/*.mjs'],
    languageOptions: { globals: { ...globals.node } },
  },
  {
    // CommonJS scripts (the benchmark's floor extension, loaded by the extension host with require).
    files: ['**/*.cjs'],
    languageOptions: { sourceType: 'commonjs', globals: { ...globals.node } },
    rules: { '@typescript-eslint/no-require-imports': 'off' },
  },
  {
    // Functions passed to page.evaluate run in the workbench page, not in Node.
    files: ['test/host/*.mjs'],
    languageOptions: { globals: { ...globals.node, ...globals.browser } },
  },
);
