// The pieces under the rules: project files and names, interpolation, mapping syntax, lenses, navigation,
// and the settings that mirror the rule ids (the schema copy: compose-schema.test.ts).
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { analyze, analyzeText } from '../../src/compose/analyze';
import { composeLenses } from '../../src/compose/lenses';
import { parsePortString } from '../../src/compose/mappings';
import { definitions, hoverMarkdown, symbolAt } from '../../src/compose/navigation';
import { LineIndex } from '../../src/compose/parse';
import { interpolate, isComposeFileName, loadProject, normalizeProjectName, parseDotEnv, projectFiles, type FileHost } from '../../src/compose/project';
import { RULE_IDS, RULES } from '../../src/compose/rules';
import { fakeEngine } from '../support/composeEngine';

const root = path.resolve(__dirname, '../../..');

function memoryHost(files: Record<string, string>): FileHost {
  return {
    readFile: (f) => files[f],
    readDir: (d) => Object.keys(files).filter((f) => path.dirname(f) === d).map((f) => path.basename(f)),
    exists: (f) => f in files,
  };
}

suite('compose core', () => {
  test('Compose file names', () => {
    for (const yes of ['compose.yaml', 'compose.yml', 'docker-compose.yaml', 'docker-compose.yml', 'compose.prod.yaml', 'docker-compose.override.yml', '/a/b/compose.dev.yml']) assert.ok(isComposeFileName(yes), yes);
    for (const no of ['compose.json', 'my-compose.yaml', 'composer.yaml', 'values.yaml']) assert.ok(!isComposeFileName(no), no);
  });

  test('project names are normalised like compose does', () => {
    assert.equal(normalizeProjectName('My App.v2'), 'myappv2');
    assert.equal(normalizeProjectName('__-Web_Site-'), 'web_site-');
  });

  test('a project: base file, override, .env name; engine names', () => {
    const host = memoryHost({
      '/p/My Proj/compose.yaml': 'services:\n  web:\n    image: nginx\n    networks: [front]\nnetworks:\n  front: {}\n  ext:\n    external: true\n  named:\n    name: custom\n',
      '/p/My Proj/compose.override.yaml': 'services:\n  web:\n    networks: [front, extra]\nnetworks:\n  extra: {}\n',
      '/p/My Proj/compose.prod.yaml': 'services:\n  web:\n    image: nginx:prod\n',
      '/p/My Proj/.env': 'COMPOSE_PROJECT_NAME=From_Env\n',
    });
    // What `docker compose` reads here on its own: the base and the override; an overlay goes on the base alone.
    assert.deepEqual(projectFiles('/p/My Proj/compose.override.yaml', host).map((f) => path.basename(f)), ['compose.yaml', 'compose.override.yaml']);
    assert.deepEqual(projectFiles('/p/My Proj/compose.yaml', host).map((f) => path.basename(f)), ['compose.yaml', 'compose.override.yaml']);
    assert.deepEqual(projectFiles('/p/My Proj/compose.prod.yaml', host).map((f) => path.basename(f)), ['compose.yaml', 'compose.prod.yaml']);
    const project = loadProject('/p/My Proj/compose.override.yaml', host);
    assert.equal(project.name, 'from_env');
    assert.equal(project.engineName('networks', 'front'), 'from_env_front');
    assert.equal(project.engineName('networks', 'ext'), 'ext');
    assert.equal(project.engineName('networks', 'named'), 'custom');
    // The override's "extra" and the base's "front" are both known to either file.
    const analysis = analyzeText(host.readFile('/p/My Proj/compose.override.yaml')!, { project });
    assert.deepEqual(analysis.diagnostics.filter((d) => d.severity === 'error'), []);
    // Without .env: the folder name, normalised.
    const bare = loadProject('/p/My Proj/compose.yaml', memoryHost({ '/p/My Proj/compose.yaml': 'services: {}\n' }));
    assert.equal(bare.name, 'myproj');
  });

  test('a folder\'s files as docker compose finds them: its base and override names, in its order; overlays are alternatives', () => {
    const host = memoryHost({
      '/q/docker-compose.yml': 'services:\n  web:\n    image: nginx\n',
      '/q/docker-compose.yaml': 'services:\n  other:\n    image: nginx\n',
      '/q/compose.override.yml': 'services:\n  web:\n    ports: ["8080:80"]\n',
      '/q/docker-compose.dev.yml': 'services:\n  web:\n    ports: ["9000:80"]\n',
      '/q/docker-compose.prod.yml': 'services:\n  web:\n    ports: ["9000:80"]\n',
    });
    const names = (f: string) => projectFiles(f, host).map((p) => path.basename(p));
    // compose-go: docker-compose.yml before docker-compose.yaml; any override name goes with any base name.
    assert.deepEqual(names('/q/docker-compose.yml'), ['docker-compose.yml', 'compose.override.yml']);
    assert.deepEqual(names('/q/docker-compose.yaml'), ['docker-compose.yaml'], 'the base docker compose does not pick is a project of its own');
    assert.deepEqual(names('/q/docker-compose.dev.yml'), ['docker-compose.yml', 'docker-compose.dev.yml']);
    // Two overlays that publish the same port are alternatives (-f base -f dev, or -f base -f prod): no clash.
    for (const overlay of ['/q/docker-compose.dev.yml', '/q/docker-compose.prod.yml']) {
      const project = loadProject(overlay, host);
      const errors = analyzeText(host.readFile(overlay)!, { project, file: overlay }).diagnostics.filter((d) => d.severity === 'error');
      assert.deepEqual(errors.map((d) => d.message), [], overlay);
    }
    const base = loadProject('/q/docker-compose.yml', host);
    assert.deepEqual(analyzeText(host.readFile('/q/docker-compose.yml')!, { project: base, file: '/q/docker-compose.yml' }).diagnostics.filter((d) => d.severity === 'error'), []);
  });

  test('files given as with docker compose -f a -f b are one project; the schema is checked on what the files so far give', () => {
    // compose-go loader_test.go TestOverridePartial: an override may leave out a key the schema requires when an
    // earlier file gives it (loader.go validates the merge of the files so far).
    const host = memoryHost({
      '/r/base.yaml': 'services:\n  test:\n    image: foo\n    depends_on:\n      db:\n        condition: service_started\n  db:\n    image: db\n',
      '/r/extra/override.yaml': 'services:\n  test:\n    depends_on:\n      db:\n        required: false\n',
    });
    const files = ['/r/base.yaml', '/r/extra/override.yaml'];
    const check = (file: string, given?: string[]) => {
      const project = loadProject(file, host, {}, undefined, given);
      return analyzeText(host.readFile(file)!, { project, file }).diagnostics.filter((d) => d.severity === 'error').map((d) => `${d.code} ${d.message}`);
    };
    assert.deepEqual(check(files[1], files), [], 'the override over the base: condition comes from the base, the image too');
    assert.deepEqual(check(files[0], files), []);
    assert.equal(loadProject(files[1], host, {}, undefined, files).dir, '/r', "the project's folder is the first file's");
    // On its own the override misses the condition, the image and the service db.
    assert.deepEqual(check(files[1]).sort(), [
      'image-or-build Service "test" has neither an image nor a build context: add image: (to run an image) or build: (to build one).',
      'schema Services.test.depends_on.db is missing the required key "condition": add it.',
      'undefined-service Service "db" in depends_on does not exist: name a service of this project.',
    ]);
    // A key the earlier file does not give stays required.
    const alone = memoryHost({ '/s/a.yaml': 'services:\n  t:\n    image: x\n', '/s/b.yaml': 'services:\n  t:\n    depends_on:\n      t2:\n        required: false\n  t2:\n    image: y\n' });
    const project = loadProject('/s/b.yaml', alone, {}, undefined, ['/s/a.yaml', '/s/b.yaml']);
    assert.deepEqual(analyzeText(alone.readFile('/s/b.yaml')!, { project, file: '/s/b.yaml' }).diagnostics.filter((d) => d.code === 'schema').map((d) => d.message), [
      'Services.t.depends_on.t2 is missing the required key "condition": add it.',
    ]);
  });

  test('a host port published by services of different profiles clashes only when both can be started', () => {
    const text = 'services:\n  proxy:\n    image: nginx\n    profiles: [full]\n    ports: ["7000:80"]\n  lite:\n    image: nginx\n    profiles: [lite]\n    ports: ["7000:80"]\n  always:\n    image: nginx\n    ports: ["7001:80"]\n  extra:\n    image: nginx\n    profiles: [lite]\n    ports: ["7001:80"]\n';
    const clashes = (env: string) => {
      const host = memoryHost({ '/t/compose.yaml': text, ...(env ? { '/t/.env': env } : {}) });
      const project = loadProject('/t/compose.yaml', host);
      return analyze(project.files[0].model, { project, file: '/t/compose.yaml' }).diagnostics.filter((d) => d.code === 'duplicate-host-port').map((d) => d.range.start.line + 1);
    };
    // Without COMPOSE_PROFILES: full and lite are alternatives; a service with no profile runs beside either.
    assert.deepEqual(clashes(''), [12, 16]);
    // COMPOSE_PROFILES picks what starts: lite alone clashes with the service that always runs, not with full.
    assert.deepEqual(clashes('COMPOSE_PROFILES=lite\n'), [12, 16]);
    assert.deepEqual(clashes('COMPOSE_PROFILES=full\n'), []);
    assert.deepEqual(clashes('COMPOSE_PROFILES=full,lite\n'), [5, 9, 12, 16]);
  });

  test('interpolation with defaults; unknown variables leave the value unknown', () => {
    const env = { PORT: '8080', EMPTY: '' };
    assert.equal(interpolate('${PORT}:80', env), '8080:80');
    assert.equal(interpolate('${MISSING:-9000}:80', env), '9000:80');
    assert.equal(interpolate('${EMPTY:-x}', env), 'x');
    assert.equal(interpolate('${EMPTY-x}', env), '');
    assert.equal(interpolate('$$HOME', env), '$HOME');
    assert.equal(interpolate('${MISSING}:80', env), undefined);
    assert.deepEqual(parseDotEnv('A=1\n# c\nexport B="two words"\nC=3 # note\n'), { A: '1', B: 'two words', C: '3' });
  });

  test('.env statements are read as compose-go dotenv/parser.go reads them', () => {
    // compose-go dotenv/fixtures/quoted.env and godotenv_test.go: quotes may span lines, single quotes are literal.
    const quoted = 'OPTION_A=\'1\'\nOPTION_C=\'\'\nOPTION_D=\'\\n\'\nOPTION_H="\\n"\nOPTION_I = "echo \'asd\'"\n'
      + 'OPTION_J = \'first line\nsecond line\'\nOPTION_Z = "last value"\n';
    assert.deepEqual(parseDotEnv(quoted), {
      OPTION_A: '1', OPTION_C: '', OPTION_D: '\\n', OPTION_H: '\n', OPTION_I: "echo 'asd'", OPTION_J: 'first line\nsecond line', OPTION_Z: 'last value',
    });
    // A quoted value followed by a comment is the quoted text (it used to keep the quotes and the comment, and a
    // port built from it was reported as invalid); "KEY: value" is a statement; a key alone is inherited.
    assert.deepEqual(parseDotEnv('PORT="8080" # web\nTAG=\'1.2\' # pinned\nNAME: yaml\nHOME\nPW=ab#cd\nbad-key=1\nLAST=x', { HOME: '/root' }), {
      PORT: '8080', TAG: '1.2', NAME: 'yaml', HOME: '/root', PW: 'ab#cd', LAST: 'x',
    });
  });

  test('.env values that refer to other variables are interpolated as Compose does', () => {
    const dotenv = 'BASE=/opt\nDATA=${BASE:-/srv}/app\nQUOTED="${DATA}/q"\nRAW=\'${BASE}\'\nLATE=${LATER}x\nLATER=1\nDEF=${NOPE-/d}\n';
    assert.deepEqual(parseDotEnv(dotenv), { BASE: '/opt', DATA: '/opt/app', QUOTED: '/opt/app/q', RAW: '${BASE}', LATE: 'x', LATER: '1', DEF: '/d' });
    // The process environment is looked up first (compose-go dotenv: lookupFn, then the file's own variables).
    assert.equal(parseDotEnv(dotenv, { BASE: '/env' }).DATA, '/env/app');
    // The project sees the interpolated value, so a bind mount built from it is checked at the right path.
    const host = memoryHost({
      '/p/.env': 'BASE=/srv\nDATA=${BASE:-/nowhere}/app\n',
      '/p/compose.yaml': 'services:\n  db:\n    image: postgres\n    volumes:\n      - ${DATA}/db:/var/lib/postgresql/data\n',
      '/srv/app/db': '',
    });
    const project = loadProject('/p/compose.yaml', host);
    assert.equal(project.env.DATA, '/srv/app');
    const analysis = analyzeText(host.readFile('/p/compose.yaml')!, { file: '/p/compose.yaml', project, host });
    assert.deepEqual(analysis.diagnostics.map((d) => `${d.code}: ${d.message}`), []);
    const missing = memoryHost({ ...Object.fromEntries(['/p/.env', '/p/compose.yaml'].map((f) => [f, host.readFile(f)!])) });
    const broken = analyzeText(host.readFile('/p/compose.yaml')!, { file: '/p/compose.yaml', project: loadProject('/p/compose.yaml', missing), host: missing });
    assert.deepEqual(broken.diagnostics.map((d) => d.message), ['Bind mount source /srv/app/db does not exist: create it, or Docker creates an empty folder owned by root.']);
  });

  test('port strings', () => {
    const ok = (s: string) => { const r = parsePortString(s); assert.ok(r.ok, `${s}: ${r.ok ? '' : r.error}`); return r.mapping; };
    assert.deepEqual(ok('127.0.0.1:8080:80/udp'), { text: '127.0.0.1:8080:80/udp', hostIp: '127.0.0.1', host: { start: 8080, end: 8080 }, container: { start: 80, end: 80 }, protocol: 'udp' });
    assert.equal(ok('[::1]:8443:443').hostIp, '::1');
    assert.equal(ok('::1:8443:443').hostIp, '::1');
    assert.equal(ok('80').host, undefined);
    // Host port 0: compose-go (nat.ParsePortRange) accepts it and the engine picks a free port, as for "80".
    assert.deepEqual(ok('0:80').host, { start: 0, end: 0 });
    for (const bad of ['80:0', '8080:80/http', '1-3:1-2', 'a:80', '300.1.1.1:80:80', '80:80:80:80']) assert.ok(!parsePortString(bad).ok, bad);
  });

  test('lenses: network and volume state from the engine, and what each service reaches', () => {
    const text = 'name: fixture\nservices:\n  web:\n    image: nginx\n    networks: [own, lan]\n  db:\n    image: postgres\n    networks: [own]\nnetworks:\n  own: {}\n  lan: {}\nvolumes:\n  live-data:\n    external: true\n';
    const lenses = composeLenses(analyzeText(text), fakeEngine());
    const lines = new LineIndex(text);
    const at = (l: { start: number }) => lines.position(l.start).line + 1;
    assert.deepEqual(lenses.map((l) => `${at(l)} ${l.text} [${l.actions.map((a) => a.title).join(',')}]`), [
      '10 created · bridge · 10.231.7.0/24 · 0 containers [Reveal]',
      '11 not created [Create]',
      '13 created · unused [Back up,Reveal]',
      '3 networks: own, lan · reaches db []',
      '6 networks: own · reaches web []',
    ]);
    const create = lenses[1].actions[0];
    assert.ok(create.kind === 'createNetwork');
    assert.deepEqual(create.args, { name: 'fixture_lan', labels: { 'com.docker.compose.project': 'fixture', 'com.docker.compose.network': 'lan' } });
    assert.deepEqual(composeLenses(analyzeText(text), undefined).map((l) => at(l)), [3, 6], 'without an engine only the service lenses');
  });

  test('hover and definition on references', () => {
    const text = 'services:\n  web:\n    image: nginx\n    networks: [front]\n    depends_on: [db]\n  db:\n    image: postgres\n    networks: [front]\nnetworks:\n  front:\n    driver: bridge\n';
    const analysis = analyzeText(text);
    const symbol = symbolAt(analysis.model, text.indexOf('front]') + 1)!;
    assert.deepEqual(symbol, { kind: 'network', name: 'front', start: text.indexOf('front]'), end: text.indexOf('front]') + 5 });
    const defs = definitions(analysis.project, 'network', 'front');
    assert.equal(defs.length, 1);
    assert.equal(text.slice(defs[0].start, defs[0].end), 'front');
    assert.equal(defs[0].start, text.indexOf('  front:') + 2);
    const md = hoverMarkdown(analysis, symbol, undefined);
    assert.match(md, /\*\*network `front`\*\* → engine name `default_front`/);
    assert.match(md, /joined by: `web`, `db`/);
    const dep = symbolAt(analysis.model, text.indexOf('[db]') + 1)!;
    assert.deepEqual([dep.kind, dep.name], ['service', 'db']);
    assert.equal(definitions(analysis.project, 'service', 'db')[0].start, text.indexOf('  db:') + 2);
  });

  test('a file of several YAML documents is one Compose model, later documents over earlier ones (compose-go loads them so)', () => {
    // After compose-go's loader_test.go TestLoadMulmtiDocumentYaml.
    const text = 'name: multi\nservices:\n  test:\n    image: nginx:latest\n---\nservices:\n  test:\n    image: nginx:override\n  other:\n    image: busybox\n    depends_on: [test]\n---\n';
    const analysis = analyzeText(text);
    assert.deepEqual(analysis.diagnostics.map((d) => `${d.code}: ${d.message}`), []);
    assert.deepEqual(analysis.model.services.map((s) => s.name), ['test', 'other']);
    const image = analysis.model.services[0].node!.entries.find((e) => e.key === 'image')!.value;
    assert.equal(text.slice(image.start, image.end), 'nginx:override');
    // Errors in the second document are still reported at their place.
    const broken = analyzeText('services:\n  a:\n    image: x\n---\nservices:\n  a:\n    imagee: y\n');
    assert.deepEqual(broken.diagnostics.map((d) => `${d.code} ${d.range.start.line + 1}`), ['schema 7']);
  });

  test('local includes are part of the project: their services and resources are known, remote ones are said to be unchecked', () => {
    const host = memoryHost({
      '/p/compose.yaml': 'include:\n  - db/compose.yaml\n  - oci://registry.example/stack:1\nservices:\n  web:\n    image: nginx\n    depends_on: [db]\n    networks: [back]\n',
      '/p/db/compose.yaml': 'include:\n  - ../cache.yaml\nservices:\n  db:\n    image: postgres\n    networks: [back]\nnetworks:\n  back: {}\n',
      '/p/cache.yaml': 'name: not-the-project-name\nservices:\n  cache:\n    image: redis\n',
    });
    const project = loadProject('/p/compose.yaml', host);
    assert.deepEqual(project.files.map((f) => [f.file, f.included ?? false]), [['/p/compose.yaml', false], ['/p/db/compose.yaml', true], ['/p/cache.yaml', true]]);
    assert.deepEqual([...project.services.keys()].sort(), ['cache', 'db', 'web']);
    assert.equal(project.name, 'p');
    const analysis = analyzeText(host.readFile('/p/compose.yaml')!, { file: '/p/compose.yaml', project, host });
    assert.deepEqual(analysis.diagnostics.map((d) => `${d.code}: ${d.message}`), [
      'include-remote: oci://registry.example/stack:1 is fetched by docker compose and not checked here: what it declares is unknown to the other checks.',
    ]);
    assert.equal(definitions(project, 'service', 'db').length, 1);
  });

  test('docs/COMPOSE-RULES.md has one row for every rule, with its default severity', () => {
    const doc = readFileSync(path.join(root, 'docs/COMPOSE-RULES.md'), 'utf8');
    const rows = [...doc.matchAll(/^\| `([a-z-]+)` \| (\w+) \|/gm)].map((m) => `${m[1]} ${m[2]}`);
    assert.deepEqual(rows, RULES.map((r) => `${r.id} ${r.defaultSeverity}`));
  });

  test('the compose.rules setting lists exactly the rule ids', () => {
    const pkg = JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8'));
    const rules = pkg.contributes.configuration.properties['dockerNetworksVolumes.compose.rules'];
    // The settings editor offers exactly the rules there are (language/settings.ts reads RULE_IDS at runtime).
    const listed = Object.keys(rules.properties);
    assert.deepEqual([...listed].sort(), [...RULE_IDS].sort());
    assert.equal(pkg.bin['docker-compose-check'], './dist/cli.js');
  });
});
