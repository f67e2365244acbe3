// Bundles the extension with esbuild into dist/extension.js.
// ssh2 (pulled in by dockerode for ssh:// engines) has optional native parts: its crypto binding and
// cpu-features. They are left out of the bundle and ssh2 falls back to pure JavaScript, so the .vsix
// holds no platform-specific module.
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

if (watch) {
  const ctx = await esbuild.context(options);
  await ctx.watch();
  console.log('watching src/ ...');
} else {
  const result = await esbuild.build(options);
  const bytes = Object.values(result.metafile.outputs).reduce((n, o) => n + o.bytes, 0);
  console.log(`dist/extension.js ${(bytes / 1024).toFixed(0)} KiB${production ? ' (production)' : ''}`);
}
