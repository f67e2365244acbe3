// 10,000 seeded random mutations of real Compose files and of the fixtures: the analysis never throws, each
// run finishes well under a second, and whenever the fast scanner accepts a mutant, it reads it exactly as the
// yaml library does (and the yaml library finds no error in it).
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { analyzeText } from '../../src/compose/analyze';
import { fastParse } from '../../src/compose/fastYaml';
import { parseWithYaml } from '../../src/compose/parse';
import { fakeEngine } from '../support/composeEngine';
import { findCorpus, yamlFilesUnder } from '../support/corpus';

const MUTANTS = Number(process.env.COMPOSE_MUTANTS ?? 10_000);
const SEED = Number(process.env.COMPOSE_MUTATION_SEED ?? 20_251_122);
const BOUND_MS = 1_000;

/** mulberry32: small, fast, and the same sequence for the same seed everywhere. */
function random(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const NOISE = [':', '-', '"', "'", '[', ']', '{', '}', '&', '*', '!', '|', '>', '#', ' ', '\t', ',', '$', '\\', '?', '%', '@', '\n', 'a', '0'];

function mutate(text: string, rnd: () => number): string {
  const pick = <T>(list: readonly T[]): T => list[Math.floor(rnd() * list.length)];
  const lines = text.split('\n');
  const i = Math.floor(rnd() * lines.length);
  const j = Math.floor(rnd() * lines.length);
  switch (Math.floor(rnd() * 8)) {
    case 0: lines.splice(i, 1); break; // delete a line
    case 1: lines.splice(i, 0, lines[j]); break; // duplicate a line
    case 2: [lines[i], lines[j]] = [lines[j], lines[i]]; break; // swap two lines
    case 3: { // flip a character
      const at = Math.floor(rnd() * text.length);
      return text.slice(0, at) + pick(NOISE) + text.slice(at + 1);
    }
    case 4: // change indentation
      lines[i] = rnd() < 0.5 ? lines[i].replace(/^ {1,2}/, '') : ' '.repeat(1 + Math.floor(rnd() * 3)) + lines[i];
      break;
    case 5: lines[i] = `\t${lines[i]}`; break; // a tab
    case 6: { // a colon, quote or dash inside a line
      const at = Math.floor(rnd() * (lines[i].length + 1));
      lines[i] = lines[i].slice(0, at) + pick([':', ': ', '"', "'", '- ', ' #', '&a ', '*a', '!reset ', '<<: ']) + lines[i].slice(at);
      break;
    }
    default: { // truncate
      return text.slice(0, Math.floor(rnd() * text.length));
    }
  }
  return lines.join('\n');
}

/** Files of anchors, merge keys and block scalars: the YAML the fast scanner reads besides plain blocks. */
const SHAPES = path.resolve(__dirname, '../../../test/fixtures/yaml-shapes');

/** Whether the fast scanner reads `text` exactly as the yaml library does, or leaves it to the library. */
function assertSameReading(text: string, what: string): boolean {
  const quick = fastParse(text);
  if (!quick) return false;
  const full = parseWithYaml(text);
  assert.deepEqual(full.problems.filter((p) => p.severity === 'error'), [], `the fast scanner accepted ${what}, which yaml rejects:\n${text}`);
  assert.deepEqual(quick, full.root, `${what} read differently:\n${text}`);
  return true;
}

suite('compose mutation', function () {
  this.timeout(300_000);

  test(`${MUTANTS} seeded mutations never throw and stay under ${BOUND_MS} ms`, () => {
    const fixtureFiles = [...yamlFilesUnder(path.resolve(__dirname, '../../../test/fixtures/compose')), ...yamlFilesUnder(SHAPES)];
    // The corpus adds real-world shapes when it is there; the project's own fixtures are always there.
    const corpus = findCorpus().dir;
    const sources = [...(corpus ? yamlFilesUnder(corpus) : []), ...fixtureFiles].map((f) => readFileSync(f, 'utf8'));
    const rnd = random(SEED);
    const engine = fakeEngine();
    analyzeText(sources[0]); // compiles the schema once, outside the timings
    let max = 0;
    let total = 0;
    let fastAccepted = 0;
    let slowest = '';
    for (let n = 0; n < MUTANTS; n++) {
      let text = sources[Math.floor(rnd() * sources.length)];
      const rounds = 1 + Math.floor(rnd() * 3);
      for (let r = 0; r < rounds; r++) text = mutate(text, rnd);
      const started = performance.now();
      let diagnostics = 0;
      try {
        diagnostics = analyzeText(text, { engine }).diagnostics.length;
      } catch (e) {
        assert.fail(`mutant ${n} threw ${e instanceof Error ? e.stack : e}\n--- text ---\n${text}`);
      }
      const ms = performance.now() - started;
      total += ms;
      if (ms > max) { max = ms; slowest = `mutant ${n} (${text.length} chars, ${diagnostics} diagnostics)`; }
      assert.ok(ms < BOUND_MS, `mutant ${n} took ${ms.toFixed(0)} ms`);
      if (assertSameReading(text, `mutant ${n}`)) fastAccepted++;
    }
    console.log(`      ${MUTANTS} mutants: max ${max.toFixed(1)} ms (${slowest}), mean ${(total / MUTANTS).toFixed(2)} ms; fast scanner took ${fastAccepted}`);
  });

  test(`${MUTANTS} mutations of anchors, merge keys and block scalars: read as the yaml library reads them, or left to it`, () => {
    // Each file also with Windows line endings (\r\n), which the scanner reads too.
    const sources = yamlFilesUnder(SHAPES).map((f) => readFileSync(f, 'utf8')).flatMap((t) => [t, t.replace(/\n/g, '\r\n')]);
    for (const [i, text] of sources.entries()) assert.ok(assertSameReading(text, `shape file ${i}`), `the fast scanner left shape file ${i} to yaml`);
    const rnd = random(SEED + 1);
    let fastAccepted = 0;
    for (let n = 0; n < MUTANTS; n++) {
      let text = sources[Math.floor(rnd() * sources.length)];
      const rounds = 1 + Math.floor(rnd() * 2);
      for (let r = 0; r < rounds; r++) text = mutate(text, rnd);
      if (assertSameReading(text, `shape mutant ${n}`)) fastAccepted++;
    }
    // About 40 % of the mutants are still valid YAML, and the scanner reads three in four of those (the rest are
    // mostly multi-line plain scalars, which it leaves to yaml): far fewer taken means it stopped reading the shapes.
    console.log(`      ${MUTANTS} shape mutants: fast scanner took ${fastAccepted}`);
    assert.ok(fastAccepted > MUTANTS * 0.2, `the fast scanner took only ${fastAccepted} of ${MUTANTS}`);
  });
});
