// Bundles the extension with esbuild into dist/extension.js, its Compose analysis worker into
// dist/composeWorker.js, and the Compose checker CLI into dist/cli.js
// (package.json "bin": docker-compose-check).
// ssh2 (pulled in by dockerode for ssh:// engines) has optional native parts: its crypto binding and
// cpu-features. They are left out of the bundle and ssh2 falls back to pure JavaScript, so the .vsix
// holds no platform-specific module.
import { chmodSync } from 'node:fs';
import * as esbuild from 'esbuild';

const production = process.argv.includes('--production');

// dockerode requires its BuildKit session (@grpc/grpc-js, @grpc/proto-loader, protobufjs: about 400 KB, and their
// module set-up at every start) at load, for buildImage with BuildKit, which this extension never calls. A stub
// in their place answers such a call with an error; everything else of dockerode is untouched.
const noBuildKit = {
  name: 'no-buildkit',
  setup(build) {
    build.onResolve({ filter: /^\.\/(session|buildkit)$/ }, (args) => (/[\\/]dockerode[\\/]lib$/.test(args.resolveDir) ? { path: args.path, namespace: 'no-buildkit' } : undefined));
    build.onLoad({ filter: /.*/, namespace: 'no-buildkit' }, () => ({
      contents: "const no = () => new Error('BuildKit builds are not supported in this bundle');\n"
        + 'module.exports = function withSession(docker, auth, handler) { handler(no(), null, () => undefined); };\n'
        + 'module.exports.followProgress = function (stream, onFinished) { onFinished(no()); };\n',
      loader: 'js',
    }));
  },
};
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
  plugins: [noBuildKit],
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
