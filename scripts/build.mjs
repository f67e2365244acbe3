// Bundles the extension with esbuild into dist/extension.js, its Compose analysis worker into
// dist/composeWorker.js, and the Compose checker CLI into dist/cli.js
// (package.json "bin": docker-compose-check).
// ssh2 (pulled in by dockerode for ssh:// engines) has optional native parts: its crypto binding and
// cpu-features. They are left out of the bundle and ssh2 falls back to pure JavaScript, so the .vsix
// holds no platform-specific module.
import { chmodSync } from 'node:fs';
import * as esbuild from 'esbuild';

const production = process.argv.includes('--production');
const watch = process.argv.includes('--watch');

const options = {
  entryPoints: ['src/extension.ts'],
  bundle: true,
  outfile: 'dist/extension.js',
  platform: 'node',
  target: 'node20',
  format: 'cjs',
  external: ['vscode', 'cpu-features', '*.node'],
  sourcemap: !production,
  minify: production,
  logLevel: 'warning',
  metafile: true,
};

const cliOptions = {
  ...options,
  entryPoints: ['src/cli.ts'],
  outfile: 'dist/cli.js',
  banner: { js: '#!/usr/bin/env node' },
};

// The Compose analysis runs in a worker thread (src/language/analysisWorker.ts loads it from next to extension.js).
const workerOptions = {
  ...options,
  entryPoints: ['src/compose/worker.ts'],
  outfile: 'dist/composeWorker.js',
};

// The topology panel's script runs in the webview (a browser page), where it lays out the graph with dagre:
// off the extension host, which every extension shares.
const webviewOptions = {
  ...options,
  entryPoints: ['src/views/topologyWebview.ts'],
  outfile: 'dist/topologyWebview.js',
  platform: 'browser',
  target: 'es2022',
  format: 'iife',
  external: [],
};

if (watch) {
  for (const o of [options, cliOptions, workerOptions, webviewOptions]) await (await esbuild.context(o)).watch();
  console.log('watching src/ ...');
} else {
  for (const o of [options, cliOptions, workerOptions, webviewOptions]) {
    const result = await esbuild.build(o);
    const bytes = Object.values(result.metafile.outputs).reduce((n, out) => n + out.bytes, 0);
    console.log(`${o.outfile} ${(bytes / 1024).toFixed(0)} KiB${production ? ' (production)' : ''}`);
  }
  chmodSync('dist/cli.js', 0o755);
}
