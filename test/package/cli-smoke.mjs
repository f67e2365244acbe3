// The Compose checker as users install CLIs: `npm pack` makes the package, `npm install -g` puts it into an
// empty prefix, and the installed `docker-compose-check` runs with nothing but Node on its PATH: on files alone,
// with --engine against the test engine (DOCKER_HOST), and with --engine when no engine answers.
// Closing line: `N passed, N failed`.
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const results = [];
const log = (line) => console.log(`[cli] ${line}`);
const check = async (name, fn) => {
  try { await fn(); results.push(true); log(`ok   ${name}`); } catch (e) { results.push(false); log(`FAIL ${name}: ${e.message}`); }
};
const assert = (ok, message) => { if (!ok) throw new Error(message); };

const scratch = mkdtempSync(path.join(tmpdir(), 'dnv-cli-'));
const prefix = path.join(scratch, 'prefix');
const bin = path.join(prefix, 'bin', 'docker-compose-check');
// Only Node (and the installed package) on PATH: no docker CLI, no repository tools.
const nodeOnlyPath = `${path.join(prefix, 'bin')}:${path.dirname(process.execPath)}`;
const run = (args, env = {}) => {
  const r = spawnSync(bin, args, { cwd: scratch, encoding: 'utf8', env: { PATH: nodeOnlyPath, HOME: scratch, ...env }, timeout: 60_000 });
  return { status: r.status, out: `${r.stdout}${r.stderr}` };
};
const file = (name, text) => { const f = path.join(scratch, name); writeFileSync(f, text); return f; };

try {
  let tarball;
  await check('npm pack makes a package holding the CLI and nothing of the repository', () => {
    execFileSync('npm', ['pack', '--silent', '--pack-destination', scratch], { cwd: repoRoot, stdio: ['ignore', 'ignore', 'inherit'] });
    tarball = readdirSync(scratch).find((f) => f.endsWith('.tgz'));
    assert(tarball, 'no .tgz written');
    const files = execFileSync('tar', ['tzf', path.join(scratch, tarball)], { encoding: 'utf8' }).trim().split('\n').sort();
    assert(files.includes('package/dist/cli.js'), `dist/cli.js missing: ${files.join(', ')}`);
    const strays = files.filter((f) => /^package\/(src|test|scripts|node_modules|out)\//.test(f) || f.endsWith('extension.js'));
    assert(strays.length === 0, `not for the CLI package: ${strays.join(', ')}`);
  });

  await check('npm install -g puts docker-compose-check on the PATH of an empty prefix', () => {
    execFileSync('npm', ['install', '-g', '--prefix', prefix, '--no-audit', '--no-fund', path.join(scratch, tarball)], { stdio: ['ignore', 'ignore', 'inherit'] });
    assert(existsSync(bin), `${bin} missing after install`);
    const usage = run(['--help']);
    assert(/Usage: docker-compose-check/.test(usage.out), `--help printed: ${usage.out}`);
  });

  await check('a valid file: exit 0', () => {
    const f = file('valid.yaml', 'services:\n  web:\n    image: nginx\n    networks: [front]\nnetworks:\n  front: {}\n');
    const r = run(['check', f]);
    assert(r.status === 0, `exit ${r.status}: ${r.out}`);
  });

  await check('a file with an undeclared network: exit 1, the rule and the place', () => {
    const f = file('broken.yaml', 'services:\n  web:\n    image: nginx\n    networks: [missing]\n');
    const r = run(['check', f, '--format', 'json']);
    assert(r.status === 1, `exit ${r.status}: ${r.out}`);
    const [report] = JSON.parse(r.out);
    const found = report?.diagnostics.find((d) => d.rule === 'undefined-network');
    assert(found, `no undefined-network diagnostic in ${r.out}`);
    assert(found.line === 4 && found.column === 16, `reported at ${found.line}:${found.column}, not 4:16`);
  });

  const external = `dnv-cli-ext-${process.pid}`;
  const withExternal = file('external.yaml', `services:\n  web:\n    image: nginx\n    networks: [ext]\nnetworks:\n  ext:\n    external: true\n    name: ${external}\n`);
  await check('--engine against the test engine: a missing external network is an error, a present one is not', () => {
    assert(process.env.DOCKER_HOST, 'DOCKER_HOST is not set (npm test sets it to the test engine)');
    const env = { DOCKER_HOST: process.env.DOCKER_HOST };
    const before = run(['check', withExternal, '--engine'], env);
    assert(before.status === 1 && before.out.includes('[external-missing]'), `without the network: exit ${before.status}: ${before.out}`);
    execFileSync('docker', ['network', 'create', external], { stdio: 'ignore', env: process.env });
    try {
      const after = run(['check', withExternal, '--engine'], env);
      assert(after.status === 0, `with the network: exit ${after.status}: ${after.out}`);
    } finally {
      execFileSync('docker', ['network', 'rm', external], { stdio: 'ignore', env: process.env });
    }
  });

  await check('--engine with no engine answering: exit 2 and says which engine', () => {
    const socket = path.join(scratch, 'no-engine.sock');
    const r = run(['check', withExternal, '--engine'], { DOCKER_HOST: `unix://${socket}` });
    assert(r.status === 2, `exit ${r.status}: ${r.out}`);
    assert(r.out.includes(socket), `the message does not name the engine: ${r.out}`);
  });
} finally {
  rmSync(scratch, { recursive: true, force: true });
}

const passed = results.filter(Boolean).length;
console.log(`${passed} passed, ${results.length - passed} failed`);
process.exit(passed === results.length ? 0 : 1);
