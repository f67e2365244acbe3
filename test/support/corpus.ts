// Where the Compose corpus (real, valid Compose files kept outside the repository) is, if anywhere.
//
// COMPOSE_CORPUS names its folder; without it, ../shared/corpus beside the clone is used when present (CI and
// the project's own machines have it, a user's clone does not). With no corpus the tests that need it are
// skipped and say why; COMPOSE_CORPUS_REQUIRED=1 (set by .ci/run where the corpus must be there) makes a
// missing corpus a failure instead, so CI cannot skip them by accident.
import assert from 'node:assert/strict';
import { existsSync, readdirSync, statSync } from 'node:fs';
import path from 'node:path';

const root = path.resolve(__dirname, '../../..');

export interface Corpus {
  dir?: string;
  /** Why there is none, when dir is undefined. */
  missing?: string;
}

export function findCorpus(): Corpus {
  const fromEnv = process.env.COMPOSE_CORPUS;
  if (fromEnv) {
    const dir = path.resolve(root, fromEnv);
    assert.ok(existsSync(dir) && statSync(dir).isDirectory(), `COMPOSE_CORPUS=${fromEnv} is not a folder (resolved to ${dir})`);
    return { dir };
  }
  const fallback = path.resolve(root, '../shared/corpus');
  if (existsSync(fallback)) return { dir: fallback };
  const missing = `no Compose corpus: COMPOSE_CORPUS is not set and ${fallback} does not exist`;
  assert.ok(process.env.COMPOSE_CORPUS_REQUIRED !== '1', `${missing} (COMPOSE_CORPUS_REQUIRED=1 says it must be there)`);
  return { missing };
}

/**
 * For suiteSetup/test hooks: the corpus folder, or skips the calling test or suite with the reason (printed, so
 * the run says what it did not check).
 */
export function corpusOrSkip(ctx: Mocha.Context): string {
  const corpus = findCorpus();
  if (corpus.dir) return corpus.dir;
  console.log(`      skipped: ${corpus.missing}; set COMPOSE_CORPUS to a folder of Compose files to run it`);
  ctx.skip();
  throw new Error('unreachable: skip() throws');
}

export function yamlFilesUnder(dir: string): string[] {
  return readdirSync(dir).sort().flatMap((f) => {
    const full = path.join(dir, f);
    if (statSync(full).isDirectory()) return yamlFilesUnder(full);
    return /\.ya?ml$/.test(f) ? [full] : [];
  });
}
