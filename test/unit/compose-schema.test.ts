// The shipped Compose Specification schema: a verbatim copy of compose-go's schema/compose-spec.json whose
// metadata says where it came from, the additions for fields Compose accepts that the copy lacks, the update
// script's diff of two schemas, and no false errors on fields current Compose accepts.
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { analyzeText } from '../../src/compose/analyze';
import { SCHEMA_ADDITIONS, SCHEMA_META, withAdditions } from '../../src/compose/schema';

const root = path.resolve(__dirname, '../../..');
const schemaFile = path.join(root, 'src/compose/schema/compose-spec.json');

interface UpdateScript {
  diffSchemas(before: unknown, after: unknown): { added: string[]; removed: string[]; changed: string[] };
  redundantAdditions(schema: unknown, additions: unknown[]): Array<{ path: unknown[] }>;
}

// tsc compiles import() to require() under CommonJS; the script is an ES module.
const importEsm = new Function('url', 'return import(url)') as (url: string) => Promise<UpdateScript>;
const loadScript = () => importEsm(pathToFileURL(path.join(root, 'scripts/update-compose-schema.mjs')).href);

function errors(text: string): string[] {
  return analyzeText(text).diagnostics.filter((d) => d.severity === 'error').map((d) => `${d.code} ${d.range.start.line + 1}: ${d.message}`);
}

suite('compose schema', () => {
  test('the copy is what its metadata says (compose-go, commit, checksum, size)', () => {
    const text = readFileSync(schemaFile, 'utf8');
    const schema = JSON.parse(text);
    assert.equal(SCHEMA_META.source.repository, 'compose-spec/compose-go');
    assert.equal(SCHEMA_META.source.path, 'schema/compose-spec.json');
    assert.match(SCHEMA_META.source.commit ?? '', /^[0-9a-f]{40}$/);
    assert.equal(SCHEMA_META.sha256, createHash('sha256').update(text).digest('hex'), 'compose-spec.json was edited by hand: run npm run update-compose-schema');
    assert.equal(SCHEMA_META.characters, text.length);
    assert.equal(SCHEMA_META.definitions, Object.keys(schema.definitions).length);
    assert.equal(SCHEMA_META.serviceProperties, Object.keys(schema.definitions.service.properties).length);
  });

  test('every addition applies to the copy (none is upstream yet, none points nowhere)', async () => {
    const schema = JSON.parse(readFileSync(schemaFile, 'utf8'));
    const { applied } = withAdditions(schema, SCHEMA_ADDITIONS);
    assert.deepEqual(applied.map((a) => a.path.join('.')), SCHEMA_ADDITIONS.map((a) => a.path.join('.')));
    const { redundantAdditions } = await loadScript();
    assert.deepEqual(redundantAdditions(schema, SCHEMA_ADDITIONS), []);
    // Once upstream has a field, the addition is reported redundant and no longer applied.
    const upstream = withAdditions(schema, SCHEMA_ADDITIONS).schema;
    assert.equal(redundantAdditions(upstream, SCHEMA_ADDITIONS).length, SCHEMA_ADDITIONS.length);
    assert.deepEqual(withAdditions(upstream, SCHEMA_ADDITIONS).applied, []);
  });

  test('the update script reports added, removed and changed property paths', async () => {
    const { diffSchemas } = await loadScript();
    const before = {
      properties: { services: { type: 'object', patternProperties: { '^[a-z]+$': { $ref: '#/definitions/service' } } } },
      definitions: {
        service: {
          type: 'object',
          properties: {
            build: { oneOf: [{ type: 'string' }, { type: 'object', properties: { context: { type: 'string' }, sbom: { type: 'string' } } }] },
            init: { type: 'boolean', description: 'old words' },
            ports: { type: 'array', items: { type: 'object', properties: { target: { type: 'integer' } } } },
          },
        },
      },
    };
    const after = structuredClone(before) as typeof before & { definitions: { service: { properties: Record<string, unknown> } } };
    const build = after.definitions.service.properties.build.oneOf[1] as { properties: Record<string, unknown> };
    delete build.properties.sbom;
    build.properties.no_cache_filter = { type: 'array' };
    (after.definitions.service.properties as Record<string, unknown>).init = { type: ['boolean', 'string'], description: 'old words' };
    (after.definitions.service.properties.ports.items.properties as Record<string, unknown>).app_protocol = { type: 'string' };
    const diff = diffSchemas(before, after);
    assert.deepEqual(diff.added, ['#service.build.no_cache_filter', '#service.ports[].app_protocol']);
    assert.deepEqual(diff.removed, ['#service.build.sbom']);
    assert.deepEqual(diff.changed, ['#service.build', '#service.init', '#service.ports[]']);
    // A reworded description is not a change.
    const reworded = structuredClone(before);
    reworded.definitions.service.properties.init.description = 'new words';
    assert.deepEqual(diffSchemas(before, reworded), { added: [], removed: [], changed: [] });
  });

  test('no false errors on fields current Compose accepts', () => {
    const file = [
      'services:',
      '  app:',
      '    image: alpine',
      '    pre_start:',
      '      - command: ["echo", "before"]',
      '    post_start:',
      '      - command: echo after',
      '    build:',
      '      context: .',
      '      provenance: mode=max',
      '      sbom: true',
      '      no_cache_filter: [base, compile]',
      '    develop:',
      '      watch:',
      '        - path: ./src',
      '          action: sync',
      '          target: /app/src',
      '          initial_sync: true',
      '    models: [llm]',
      '  worker:',
      '    image: alpine',
      '    models:',
      '      llm:',
      // docker/compose pkg/e2e hooks_test.go: a pre_start item is a container of its own.
      '    pre_start:',
      '      - image: alpine',
      '        command: ["sh", "-c", "echo migrate"]',
      '        env_file: [hook.env]',
      '        extra_hosts: ["db:10.0.0.5"]',
      '        volumes: ["data:/data"]',
      'models:',
      '  llm:',
      '  other:',
      '    model: ai/smollm2',
      // docker/compose pkg/e2e jobs_test.go, compose-go types/jobs.go.
      'jobs:',
      '  migrate:',
      '    image: alpine',
      '    command: echo migrate',
      '    triggers:',
      '      schedule: "@hourly"',
      'volumes:',
      '  data: {}',
      '',
    ].join('\n');
    assert.deepEqual(errors(file), []);
  });

  test('and still reports what the schema forbids near those fields', () => {
    assert.deepEqual(errors('services:\n  app:\n    image: alpine\n    pre_start:\n      - echo before\n'), [
      'schema 5: Services.app.pre_start[0] must be a mapping, not a string: change its value.',
    ]);
    assert.deepEqual(errors('jobs:\n  - migrate\n'), ['schema 2: Jobs must be a mapping, not a sequence: change its value.']);
    assert.deepEqual(errors('services:\n  app:\n    image: alpine\n    build:\n      context: .\n      no_cache_filters: [a]\n'), [
      'schema 6: Unknown key "no_cache_filters" in services.app.build: did you mean "no_cache_filter"?',
    ]);
  });
});
