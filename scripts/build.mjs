// Bundles the extension with esbuild into dist/extension.js, its Compose analysis worker into
// dist/composeWorker.js, and the Compose checker CLI into dist/cli.js
// (package.json "bin": docker-compose-check). What the extension needs only on some paths is bundled into files of
// its own beside extension.js, required on first use (see lazySsh).
// ssh2 (pulled in by dockerode for ssh:// engines) has optional native parts: its crypto binding and
// cpu-features. They are left out of the bundle and ssh2 falls back to pure JavaScript, so the .vsix
// holds no platform-specific module.
import { chmodSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import * as esbuild from 'esbuild';

const production = process.argv.includes('--production');
const require = createRequire(import.meta.url);

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
// docker-modem formats every request's options with util.inspect (hidden properties, unlimited depth) for a debug
// line that is off unless DEBUG=modem: the 1,000 container inspects after a load paid it for nothing (98 ms of the
// thread in a CPU profile of the bundle, in Node, loading 10,000 volumes and 1,000 containers). Formatted only when on.
const quietModem = {
  name: 'quiet-modem',
  setup(build) {
    build.onLoad({ filter: /[\\/]docker-modem[\\/]lib[\\/]modem\.js$/ }, (args) => {
      const source = readFileSync(args.path, 'utf8');
      const contents = source.replace("debug('Sending: %s', util.inspect(", "if (debug.enabled) debug('Sending: %s', util.inspect(");
      if (contents === source) throw new Error(`${args.path}: the 'Sending: %s' debug line is not there any more (quietModem in scripts/build.mjs)`);
      return { contents, loader: 'js' };
    });
  },
};
const watch = process.argv.includes('--watch');

// ssh2 is only for ssh:// engines, and loading it costs: 270 KB of code to compile, and its Poly1305 WebAssembly
// module reserves a 16 MB memory at load (measured: `external` 18.4 MB with it, 2.4 MB without, in Node with the
// bundle loaded). The extension bundle gets a stand-in that requires dist/ssh.js (ssh2 and docker-modem's ssh agent)
// the first time one of them is used; the CLI keeps ssh2 inside (one file, npm's "bin").
const LAZY_SSH = './ssh.js';
const lazySsh = {
  name: 'lazy-ssh',
  setup(build) {
    build.onResolve({ filter: /^ssh2$/ }, () => ({ path: 'ssh2', namespace: 'lazy-ssh' }));
    build.onResolve({ filter: /^\.\/ssh$/ }, (args) => (/[\\/]docker-modem[\\/]lib$/.test(args.resolveDir) ? { path: 'modem-ssh', namespace: 'lazy-ssh' } : undefined));
    build.onResolve({ filter: /^\.\/ssh\.js$/, namespace: 'lazy-ssh' }, () => ({ path: LAZY_SSH, external: true }));
    // A getter per export, not a Proxy: the bundle's import helper copies the module's own keys (as getters) and
    // reads `__esModule`, which must not load anything.
    build.onLoad({ filter: /^ssh2$/, namespace: 'lazy-ssh' }, () => ({
      contents: `let loaded; const ssh2 = () => (loaded ??= require(${JSON.stringify(LAZY_SSH)})).ssh2;\n`
        + Object.keys(require('ssh2')).map((key) => `Object.defineProperty(module.exports, ${JSON.stringify(key)}, { enumerable: true, get: () => ssh2()[${JSON.stringify(key)}] });\n`).join(''),
      loader: 'js',
    }));
    build.onLoad({ filter: /^modem-ssh$/, namespace: 'lazy-ssh' }, () => ({
      contents: `module.exports = function (opt) { return require(${JSON.stringify(LAZY_SSH)}).modemSsh(opt); };\n`,
      loader: 'js',
    }));
  },
};

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
  plugins: [noBuildKit, quietModem],
};

const extensionOptions = { ...options, plugins: [noBuildKit, quietModem, lazySsh] };

// What lazySsh's stand-ins require on first use.
const sshOptions = {
  ...options,
  entryPoints: undefined,
  stdin: { contents: "module.exports = { ssh2: require('ssh2'), modemSsh: require('docker-modem/lib/ssh') };", resolveDir: '.', loader: 'js', sourcefile: 'ssh-entry.js' },
  outfile: 'dist/ssh.js',
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
  for (const o of [extensionOptions, sshOptions, cliOptions, workerOptions, webviewOptions]) await (await esbuild.context(o)).watch();
  console.log('watching src/ ...');
} else {
  for (const o of [extensionOptions, sshOptions, cliOptions, workerOptions, webviewOptions]) {
    const result = await esbuild.build(o);
    const bytes = Object.values(result.metafile.outputs).reduce((n, out) => n + out.bytes, 0);
    console.log(`${o.outfile} ${(bytes / 1024).toFixed(0)} KiB${production ? ' (production)' : ''}`);
  }
  chmodSync('dist/cli.js', 0o755);
}
