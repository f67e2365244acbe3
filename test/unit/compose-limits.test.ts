// Hostile and huge inputs: an alias bomb is stopped and reported at the place, deep nesting never overflows the
// stack (editor or CLI), and the graph rules stay linear on thousands of services.
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { checkFiles, checkProjectFiles } from '../../src/cli';
import { analyzeText } from '../../src/compose/analyze';
import { Alias } from 'yaml';
import { fastParse } from '../../src/compose/fastYaml';
import { allowedAliasRatio, MAX_NESTING, parseCompose, parseWithYaml } from '../../src/compose/parse';
import { composeValidator } from '../../src/compose/rules/schema';

function timed<T>(f: () => T): { value: T; ms: number } {
  const t = process.hrtime.bigint();
  const value = f();
  return { value, ms: Number(process.hrtime.bigint() - t) / 1e6 };
}

const show = (text: string) => analyzeText(text).diagnostics.map((d) => `${d.code} ${d.range.start.line + 1}:${d.range.start.character + 1} ${d.message}`);

suite('compose limits', () => {
  suiteSetup(() => { composeValidator(); }); // compile the schema outside the timings

  test('an alias bomb is reported as too many aliases at the alias that explodes, quickly', () => {
    let text = 'x-a0: &a0 [x, x, x, x, x, x, x, x, x, x]\n';
    for (let i = 1; i < 10; i++) text += `x-a${i}: &a${i} [${Array(10).fill(`*a${i - 1}`).join(', ')}]\n`;
    text += 'services:\n  web:\n    image: nginx\n';
    const { value, ms } = timed(() => show(text));
    assert.equal(value.length, 1, value.join('\n'));
    assert.match(value[0], /^yaml-anchor \d+:\d+ Too many aliases expanded/);
    // The place: an alias on one of the x-a lines, not line 1 and not the services.
    const line = Number(/^yaml-anchor (\d+):/.exec(value[0])![1]);
    assert.ok(line >= 2 && line <= 10, value[0]);
    assert.ok(ms < 5000, `${ms} ms`);
  });

  test('aliases that are most of a big file (every service merging one anchor) are read whole, as Compose reads them', function () {
    this.timeout(60_000);
    // 6,000 services x 21 merged nodes: 126,000 nodes from aliases, over the old flat cap of 100,000, under
    // yaml.v3's ratio (99 % up to 400,000 nodes read).
    const lines = ['x-common: &common', '  restart: unless-stopped', '  labels:'];
    for (let l = 0; l < 18; l++) lines.push(`    label${l}: value${l}`);
    lines.push('services:');
    for (let i = 0; i < 6_000; i++) lines.push(`  svc${i}:`, '    <<: *common', `    image: app${i}`);
    const text = `${lines.join('\n')}\n`;
    // Each alias is looked up in one walk of the document, never by the yaml library's resolve(), which walks the
    // whole document for each alias (quadratic: 110 s for 4,000 services in 1 MB).
    const resolve = Alias.prototype.resolve;
    let walks = 0;
    Alias.prototype.resolve = function (this: Alias, ...args: Parameters<Alias['resolve']>) { walks++; return resolve.apply(this, args); };
    let parsed;
    try {
      parsed = parseWithYaml(text);
    } finally {
      Alias.prototype.resolve = resolve;
    }
    assert.equal(walks, 0);
    assert.deepEqual(parsed.problems, []);
    const services = parsed.root?.kind === 'map' ? parsed.root.entries.find((e) => e.key === 'services')?.value : undefined;
    assert.ok(services?.kind === 'map');
    assert.equal(services.entries.length, 6_000);
    const last = services.entries[5_999].value;
    assert.ok(last.kind === 'map');
    assert.deepEqual(last.entries.map((e) => e.key), ['image', 'restart', 'labels']);
    const labels = last.entries[2].value;
    assert.ok(labels.kind === 'map');
    assert.equal(labels.entries.length, 18);
    // The fast scanner reads the same file the same way (its own alias count stays under the ratio too).
    assert.deepEqual(fastParse(text), parsed.root);
  });

  test('yamlLimit (the extension host\'s): only texts the fast scanner does not read are left unparsed above it', () => {
    // Two documents in one file: left to the yaml library.
    const tagged = 'services:\n  web:\n    image: nginx\n---\nservices:\n  web:\n    ports: []\n';
    assert.equal(parseCompose(tagged, { yamlLimit: tagged.length - 1 }).root, undefined);
    assert.equal(parseCompose(tagged, { yamlLimit: tagged.length }).root?.kind, 'map');
    const anchored = 'x-a: &a {restart: always}\nservices:\n  web:\n    <<: *a\n    image: nginx\n';
    assert.equal(parseCompose(anchored, { yamlLimit: 1 }).root?.kind, 'map');
    const plain = 'services:\n  web:\n    image: nginx\n';
    assert.equal(parseCompose(plain, { yamlLimit: 1 }).root?.kind, 'map');
  });

  test('yaml.v3 alias ratio: 99 % up to 400,000 nodes read, 10 % from 4,000,000, falling evenly between', () => {
    assert.equal(allowedAliasRatio(1000), 0.99);
    assert.equal(allowedAliasRatio(400_000), 0.99);
    assert.equal(allowedAliasRatio(4_000_000), 0.10);
    assert.ok(Math.abs(allowedAliasRatio(2_200_000) - 0.545) < 1e-9);
  });

  test('5,000 levels of nesting (block or flow) are refused at the line where they pass the limit, without a stack overflow', () => {
    let block = 'services:\n  web:\n    image: nginx\n    x-deep:\n';
    let indent = '      ';
    for (let i = 0; i < 5000; i++) { block += `${indent}a:\n`; indent += ' '; }
    block += `${indent}b: 1\n`;
    const flow = `services:\n  web:\n    image: nginx\n    x-deep: ${'['.repeat(5000)}${']'.repeat(5000)}\n`;
    const b = show(block);
    assert.equal(b.length, 1, b.join('\n'));
    // services, web, x-deep are levels 1-3 on lines 1, 2 and 4; the a on line k is level k - 1.
    assert.match(b[0], new RegExp(`^yaml-syntax ${MAX_NESTING + 2}:\\d+ The document nests more than ${MAX_NESTING} levels deep here \\(indentation\\)`));
    const f = show(flow);
    assert.deepEqual(f.map((x) => x.replace(/ The document.*/, '')), [`yaml-syntax 4:${13 + MAX_NESTING}`]);
    // Just under the limit it is parsed normally.
    const ok = `services:\n  web:\n    image: nginx\n    x-deep: ${'['.repeat(MAX_NESTING - 5)}${']'.repeat(MAX_NESTING - 5)}\n`;
    assert.ok(parseCompose(ok).root);
    assert.deepEqual(show(ok), []);
  });

  test('the CLI checks a too-deep file and the next file, no stack trace', () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'compose-limits-'));
    try {
      writeFileSync(path.join(dir, 'deep.yaml'), `services:\n  web:\n    image: nginx\n    x: ${'{a: '.repeat(6000)}1${'}'.repeat(6000)}\n`);
      writeFileSync(path.join(dir, 'fine.yaml'), 'services:\n  web:\n    image: nginx\n');
      const results = checkFiles([path.join(dir, 'deep.yaml'), path.join(dir, 'fine.yaml')], undefined);
      assert.deepEqual(results.map((r) => r.diagnostics.map((d) => d.code)), [['yaml-syntax'], []]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  test('the CLI\'s -f files are one project in their order; the same files given plainly are each in their own', () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'compose-cli-f-'));
    try {
      mkdirSync(path.join(dir, 'override'));
      writeFileSync(path.join(dir, 'compose.yaml'), 'services:\n  web:\n    image: nginx\n    networks: [front]\nnetworks:\n  front: {}\n');
      writeFileSync(path.join(dir, 'override', 'extra.yaml'), 'services:\n  web:\n    networks: [front]\n    ports: ["8080:80"]\n');
      const files = [path.join(dir, 'compose.yaml'), path.join(dir, 'override', 'extra.yaml')];
      const errors = (results: Array<{ diagnostics: Array<{ code: string; severity: string }> }>) => results.map((r) => r.diagnostics.filter((d) => d.severity === 'error').map((d) => d.code));
      assert.deepEqual(errors(checkProjectFiles(files, undefined)), [[], []], 'together: the base gives the image and declares front');
      assert.deepEqual(errors(checkFiles(files, undefined)), [[], ['image-or-build', 'undefined-network']], 'apart: the override alone has neither');
      // A file of the list that is not there is said, and the others are still checked.
      const gone = path.join(dir, 'nowhere.yaml');
      assert.deepEqual(checkProjectFiles([files[0], gone], undefined).map((r) => r.diagnostics.map((d) => d.message)), [[], ['File not found or not readable.']]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  /**
   * Time for n and for n / 10 services in the same run: linear work grows about 10 times, quadratic 100. Each is
   * the fastest of three, so a garbage collection or another process's burst during one run (seen on a loaded
   * machine: one 5,000-service run took 1.9 s, the next two 0.2 s) does not pass for quadratic growth.
   */
  function growth(make: (n: number) => string, n: number): { small: number; big: number } {
    const fastest = (k: number) => { const text = make(k); return Math.min(...[0, 1, 2].map(() => timed(() => analyzeText(text)).ms)); };
    return { small: fastest(n / 10), big: fastest(n) };
  }

  test('a depends_on cycle through 5,000 services is reported on every edge in linear time', () => {
    const n = 5000;
    const make = (k: number) => {
      let t = 'services:\n';
      for (let i = 0; i < k; i++) t += `  s${i}:\n    image: nginx\n    depends_on: [s${(i + 1) % k}]\n`;
      return t;
    };
    const text = make(n);
    const { value, ms } = timed(() => analyzeText(text).diagnostics);
    const { small, big } = growth(make, n);
    assert.ok(big < small * 40, `${small} ms for ${n / 10} services, ${big} ms for ${n}: not linear`);
    assert.equal(value.length, n);
    assert.ok(value.every((d) => d.code === 'depends-on-cycle'));
    assert.equal(value[0].message, `depends_on cycle: s0 → s1 → s2 → s3 → … → s${n - 1} → s0 (${n} services); remove one of these dependencies.`);
    assert.equal(value[7].message, `depends_on cycle: s7 → s8 → s9 → s10 → … → s6 → s7 (${n} services); remove one of these dependencies.`);
    assert.ok(ms < 10000, `${ms} ms`);
  });

  test('a big cycle with a shortcut still names a real cycle for each edge', () => {
    // s0 → s1 → … → s99 → s0, and s50 → s0: the edge s50 → s51 closes through the hub.
    let text = 'services:\n';
    for (let i = 0; i < 100; i++) text += `  s${i}:\n    image: nginx\n    depends_on: [s${(i + 1) % 100}${i === 50 ? ', s0' : ''}]\n`;
    const messages = analyzeText(text).diagnostics.map((d) => d.message);
    assert.equal(messages.length, 101);
    assert.ok(messages.includes('depends_on cycle: s50 → s0 → s1 → s2 → … → s49 → s50 (51 services); remove one of these dependencies.'), messages.slice(48, 53).join('\n'));
  });

  test('an extends cycle through 5,000 services is linear too', () => {
    const n = 5000;
    const make = (k: number) => {
      let t = 'services:\n';
      for (let i = 0; i < k; i++) t += `  s${i}:\n    image: nginx\n    extends: s${(i + 1) % k}\n`;
      return t;
    };
    const text = make(n);
    const { value, ms } = timed(() => analyzeText(text).diagnostics.filter((d) => d.code === 'extends-cycle'));
    const { small, big } = growth(make, n);
    assert.ok(big < small * 40, `${small} ms for ${n / 10} services, ${big} ms for ${n}: not linear`);
    assert.equal(value.length, n);
    assert.equal(value[0].message, 'extends cycle: s0 → s1 → s2 → s3 → … → s4999 → s0 (5000 steps); break the chain.');
    assert.equal(value[1].message, 'extends cycle: s1 → s2 → s3 → s4 → … → s0 → s1 (5000 steps); break the chain.');
    assert.ok(ms < 10000, `${ms} ms`);
  });
});
