// The Compose editing functions (src/compose/editing) on fixtures: cursor context, completion (schema keys,
// enum values, project names, engine names, free subnet and ports), outline, references and rename checks,
// links, inlay hints and key hovers.
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { snapshotFromLists, type EngineSnapshot } from '../../src/compose/engineSnapshot';
import { anchorGroupAt, anchorMarks, MAX_ANCHOR_TEXT } from '../../src/compose/editing/anchors';
import { completions, dockerfileStages, freeSubnet } from '../../src/compose/editing/completion';
import { cursorContext } from '../../src/compose/editing/context';
import { inlayHints } from '../../src/compose/editing/inlayHints';
import { keyHoverAt } from '../../src/compose/editing/keyDocs';
import { documentLinks } from '../../src/compose/editing/links';
import { checkNewName, checkRename, occurrenceAt, projectOccurrences } from '../../src/compose/editing/references';
import { documentSymbols } from '../../src/compose/editing/symbols';
import { modelOf, readModel, type ComposeModel } from '../../src/compose/declarations';
import { isMapNode, isSeqNode, parseCompose, type CNode } from '../../src/compose/parse';
import { interpolate, loadProject, nodeFileHost, singleFileProject } from '../../src/compose/project';
import type { EngineContainerSummary, EngineNetwork, EngineVolume } from '../../src/engine/types';
import { corpusOrSkip, yamlFilesUnder } from '../support/corpus';
import { isAlias, isNode, parseAllDocuments, visit } from 'yaml';

const root = path.resolve(__dirname, '../../..');
const appDir = path.join(root, 'test/fixtures/editing/app');
const appFile = path.join(appDir, 'compose.yaml');

/** The text with `|` removed, and the offset where it was. */
function cursor(withBar: string): { text: string; offset: number } {
  const offset = withBar.indexOf('|');
  assert.ok(offset >= 0, 'the fixture marks the cursor with |');
  return { text: withBar.slice(0, offset) + withBar.slice(offset + 1), offset };
}

function complete(withBar: string, engine?: EngineSnapshot) {
  const { text, offset } = cursor(withBar);
  const model = readModel(text);
  return completions({ text, lines: model.parsed.lines, project: singleFileProject(model, '/proj'), offset, engine });
}

const labels = (list: Array<{ label: string }>) => list.map((c) => c.label);

function engine(): EngineSnapshot {
  const networks: EngineNetwork[] = [
    { Id: 'n1', Name: 'bridge', Driver: 'bridge', Scope: 'local', IPAM: { Config: [{ Subnet: '172.17.0.0/16' }] } },
    { Id: 'n2', Name: 'shared-proxy', Driver: 'bridge', Scope: 'local', IPAM: { Config: [{ Subnet: '172.20.0.0/16' }] } },
    { Id: 'n3', Name: 'shop_front', Driver: 'bridge', Scope: 'local', IPAM: { Config: [{ Subnet: '172.21.0.0/16' }] } },
    { Id: 'n4', Name: 'macv', Driver: 'macvlan', Scope: 'local', IPAM: { Config: [] } },
  ];
  const volumes: EngineVolume[] = [
    { Name: 'backups', Driver: 'local', Mountpoint: '/x' },
    { Name: 'proj_cache', Driver: 'local', Mountpoint: '/y' },
  ];
  const containers = [{
    Id: 'c1', Names: ['/busy'], Image: 'nginx', State: 'running', Status: 'Up', Labels: {},
    HostConfig: { NetworkMode: 'bridge' }, NetworkSettings: { Networks: {} }, Mounts: [],
    Ports: [{ IP: '0.0.0.0', PrivatePort: 80, PublicPort: 8080, Type: 'tcp' }],
  }] as unknown as EngineContainerSummary[];
  return snapshotFromLists(networks, volumes, containers, false);
}

suite('Compose editing: cursor context', () => {
  test('key paths from indentation, in mappings, sequences and on half-typed lines', () => {
    const ctx = (s: string) => { const { text, offset } = cursor(s); const m = readModel(text); return cursorContext(text, m.parsed.lines, offset); };
    assert.deepEqual(ctx('services:\n  web:\n    ima|').path, ['services', 'web']);
    assert.equal(ctx('services:\n  web:\n    ima|').prefix, 'ima');
    const v = ctx('services:\n  web:\n    restart: un|');
    assert.deepEqual([v.kind, v.key, v.prefix, v.path], ['value', 'restart', 'un', ['services', 'web']]);
    assert.deepEqual(ctx('networks:\n  back:\n    ipam:\n      config:\n        - subnet: 10.0.0.0/8\n          gate|').path, ['networks', 'back', 'ipam', 'config', '[]']);
    const item = ctx('services:\n  web:\n    depends_on:\n      - |');
    assert.deepEqual([item.kind, item.inSequence, item.path], ['key', true, ['services', 'web', 'depends_on', '[]']]);
    // A sequence flush with its key.
    assert.deepEqual(ctx('services:\n  web:\n    networks:\n    - |').path, ['services', 'web', 'networks', '[]']);
    // Blank lines and comments in between do not matter.
    assert.deepEqual(ctx('services:\n  web:\n    image: x\n\n    # note\n    |').path, ['services', 'web']);
    assert.deepEqual(ctx('|').path, []);
    // After a key's colon with no space yet, in a comment, in a flow mapping: no completion at all.
    assert.deepEqual(labels(complete('services:\n  web:\n    restart:|')), []);
    assert.deepEqual(labels(complete('services:\n  web:\n    # restart |')), []);
  });
});

suite('Compose editing: completion', () => {
  test('schema keys valid at the place, with descriptions, without those already written', () => {
    const list = complete('services:\n  web:\n    image: nginx\n    re|\n    ports: []\n');
    const names = labels(list);
    assert.ok(names.includes('restart'));
    assert.ok(names.includes('healthcheck'));
    assert.ok(!names.includes('image'), 'image is already there');
    assert.ok(!names.includes('ports'), 'ports is already there (below the cursor)');
    assert.ok(!names.includes('ipam'), 'a network key is not a service key');
    const restart = list.find((c) => c.label === 'restart')!;
    assert.match(restart.documentation ?? '', /Restart policy/);
    const { offset } = cursor('services:\n  web:\n    image: nginx\n    re|');
    assert.deepEqual([restart.start, restart.end], [offset - 2, offset]);
    // Top level.
    assert.deepEqual(labels(complete('name: x\n|')).filter((l) => ['services', 'networks', 'volumes', 'name'].includes(l)).sort(), ['networks', 'services', 'volumes']);
  });

  test('snippets for common blocks at a service and a network', () => {
    const service = complete('services:\n  web:\n    |');
    const hc = service.find((c) => c.label === 'healthcheck' && c.kind === 'snippet');
    assert.ok(hc?.snippet);
    assert.match(hc.insertText, /^healthcheck:\n {6}test:/);
    assert.ok(service.some((c) => c.label === 'deploy.resources'));
    assert.ok(complete('networks:\n  back:\n    |').some((c) => c.label === 'ipam.config' && /subnet/.test(c.insertText)));
    assert.ok(!complete('services:\n  web:\n    healthcheck:\n      test: x\n    |').some((c) => c.kind === 'snippet' && c.label === 'healthcheck'));
  });

  test('values from enums, booleans and the reference', () => {
    assert.deepEqual(labels(complete('services:\n  web:\n    restart: |')), ['no', 'always', 'on-failure', 'unless-stopped']);
    assert.deepEqual(labels(complete('services:\n  web:\n    depends_on:\n      db:\n        condition: |')).sort(), ['service_completed_successfully', 'service_healthy', 'service_started']);
    assert.deepEqual(labels(complete('services:\n  web:\n    read_only: |')), ['true', 'false']);
    assert.ok(labels(complete('services:\n  web:\n    pull_policy: |')).includes('missing'));
  });

  test('the project\'s names where references go', () => {
    const base = 'services:\n  web:\n    image: x\n  api:\n    image: x\n  db:\n    image: x\nnetworks:\n  front: {}\n  back: {}\nvolumes:\n  data: {}\nsecrets:\n  token:\n    file: ./t\n';
    const withCursor = (insert: string) => base.replace('  web:\n    image: x\n', `  web:\n    image: x\n${insert}\n`);
    assert.deepEqual(labels(complete(withCursor('    depends_on:\n      - api\n      - |'))), ['db']);
    assert.deepEqual(labels(complete(withCursor('    networks:\n      - |'))), ['front', 'back', 'default']);
    assert.deepEqual(labels(complete(withCursor('    networks:\n      |'))).slice(0, 2), ['front', 'back']);
    assert.ok(labels(complete(withCursor('    volumes:\n      - |'))).includes('data:'));
    assert.deepEqual(labels(complete(withCursor('    secrets:\n      - |'))), ['token']);
    assert.deepEqual(labels(complete(withCursor('    network_mode: |'))).filter((l) => l.startsWith('service:')), ['service:api', 'service:db']);
    assert.deepEqual(labels(complete(withCursor('    volumes:\n      - type: volume\n        source: |'))), ['data']);
  });

  test('from the live engine: existing networks and volumes, drivers, a free subnet, free host ports', () => {
    const e = engine();
    const nets = complete('name: proj\nnetworks:\n  |', e);
    assert.deepEqual(labels(nets), ['macv', 'shared-proxy', 'shop_front']);
    assert.equal(nets[0].insertText, 'macv:\n    external: true');
    assert.deepEqual(labels(complete('name: proj\nvolumes:\n  data:\n    name: |', e)), ['backups', 'proj_cache']);
    assert.ok(labels(complete('networks:\n  n:\n    driver: |', e)).includes('macvlan'));
    // 172.17 (bridge), 172.20 (shared-proxy), 172.21 (engine) and 172.22 (declared here) are taken.
    const subnet = complete('networks:\n  a:\n    ipam:\n      config:\n        - subnet: 172.22.0.0/16\n  b:\n    ipam:\n      config:\n        - subnet: |', e);
    assert.deepEqual(labels(subnet), ['172.23.0.0/16']);
    // 8080 is published by a running container, 8081 by another service of the project.
    const ports = complete('services:\n  a:\n    ports:\n      - "8081:80"\n  b:\n    ports:\n      - |', e);
    assert.deepEqual(labels(ports).slice(0, 3), ['"8082:', '"8083:', '"8084:']);
    // Without an engine: no engine entries at all.
    assert.deepEqual(labels(complete('networks:\n  |')), []);
  });

  test('build.target: the stage names of the service\'s Dockerfile', () => {
    const files: Record<string, string> = { '/proj/web/Dockerfile.dev': 'FROM node:22 AS deps\nRUN npm ci\nfrom --platform=$BUILDPLATFORM node:22 as build\nFROM nginx\n' };
    const { text, offset } = cursor('services:\n  web:\n    build:\n      context: ./web\n      dockerfile: Dockerfile.dev\n      target: |\n');
    const model = readModel(text);
    const list = completions({ text, lines: model.parsed.lines, project: singleFileProject(model, '/proj'), offset, dir: '/proj', readFile: (f) => files[f] });
    assert.deepEqual(labels(list), ['deps', 'build']);
    assert.deepEqual(dockerfileStages('FROM a\n'), []);
  });

  test('freeSubnet with no engine avoids only declared subnets', () => {
    const model = readModel('networks:\n  a:\n    ipam:\n      config:\n        - subnet: 172.16.0.0/12\n');
    assert.equal(freeSubnet(singleFileProject(model), undefined), '192.168.0.0/20');
    // A subnet written with host bits, and a small one inside a candidate, still count as taken.
    const partial = readModel('networks:\n  a:\n    ipam:\n      config:\n        - subnet: 172.20.5.7/16\n  b:\n    ipam:\n      config:\n        - subnet: 172.21.3.0/24\n        - subnet: fd00::/64\n');
    assert.equal(freeSubnet(singleFileProject(partial), undefined), '172.22.0.0/16');
  });
});

function project(): { model: ComposeModel; proj: ReturnType<typeof loadProject> } {
  const proj = loadProject(appFile, nodeFileHost, {});
  return { model: proj.files[0].model, proj };
}

suite('Compose editing: outline, references, rename', () => {
  test('outline: sections, their names, and each service\'s keys', () => {
    const { model } = project();
    const symbols = documentSymbols(model);
    assert.deepEqual(symbols.map((s) => s.name), ['name', 'include', 'services', 'networks', 'volumes', 'secrets']);
    const services = symbols.find((s) => s.name === 'services')!;
    assert.deepEqual(services.children.map((s) => [s.name, s.kind, s.detail]), [['web', 'service', 'nginx:${NGINX_TAG:-1.27}'], ['api', 'service', 'shop/api:${API_TAG}']]);
    assert.deepEqual(services.children[0].children.map((s) => s.name), ['image', 'env_file', 'build', 'depends_on', 'networks', 'volumes']);
    const networks = symbols.find((s) => s.name === 'networks')!;
    assert.deepEqual(networks.children.map((s) => [s.name, s.detail]), [['front', undefined], ['back', undefined], ['legacy', 'external']]);
    const web = services.children[0];
    assert.equal(model.parsed.text.slice(web.selectionStart, web.selectionEnd), 'web');
  });

  test('references across the base, the override and the included file', () => {
    const { model, proj } = project();
    const at = model.parsed.text.indexOf('- back') === -1 ? model.parsed.text.indexOf('front, back') + 'front, '.length : -1;
    const o = occurrenceAt(model, at)!;
    assert.deepEqual([o.kind, o.name], ['network', 'back']);
    const all = projectOccurrences(proj, 'network', 'back');
    const byFile = all.map((x) => `${path.relative(appDir, x.file)}:${x.model.parsed.text.slice(x.start, x.end)}:${x.declaration}`);
    assert.deepEqual(byFile, ['compose.yaml:back:false', 'compose.yaml:back:true', 'compose.override.yaml:back:false', 'db/compose.yaml:back:false']);
    // Services: depends_on in both files and network_mode: service:api (the name part only).
    const api = projectOccurrences(proj, 'service', 'api');
    assert.equal(api.length, 4);
    const mode = api.find((x) => x.model.parsed.text.slice(x.start - 8, x.end) === 'service:api');
    assert.ok(mode, 'network_mode: service:api is a reference, its name part only');
    assert.equal(projectOccurrences(proj, 'secret', 'token').length, 2);
  });

  test('references into the services extended from another file (down a chain), not into the rest of that file', () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'dnv-extends-'));
    try {
      writeFileSync(path.join(dir, 'compose.yaml'), [
        'services:',
        '  web:',
        '    extends: { file: ./common/base.yaml, service: web-base }',
        '    networks: [back]',
        'networks:',
        '  back: {}',
        '',
      ].join('\n'));
      mkdirSync(path.join(dir, 'common'));
      writeFileSync(path.join(dir, 'common', 'base.yaml'), [
        'services:',
        '  web-base:',
        '    extends: root', // that file's own service: not a reference to the project's services
        '    networks: [back]',
        '  root:',
        '    image: busybox',
        '    networks:',
        '      back: {}',
        '  unrelated:',
        '    networks: [back]', // not extended by the project
        'networks:',
        '  back: {}', // that file's declaration: not the project's
        '',
      ].join('\n'));
      const proj = loadProject(path.join(dir, 'compose.yaml'), nodeFileHost);
      assert.deepEqual(proj.extended.map((e) => [path.relative(dir, e.file), [...e.services]]), [['common/base.yaml', ['web-base', 'root']]]);
      const found = projectOccurrences(proj, 'network', 'back').map((x) => {
        const line = x.model.parsed.lines.position(x.start).line;
        return `${path.relative(dir, x.file)}:${line}:${x.declaration}`;
      });
      assert.deepEqual(found, ['compose.yaml:3:false', 'compose.yaml:5:true', 'common/base.yaml:3:false', 'common/base.yaml:7:false']);
      assert.deepEqual(projectOccurrences(proj, 'service', 'root').map((x) => path.relative(dir, x.file)), []);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  test('rename is refused for external names, undeclared names and engine volumes with data', () => {
    const { model, proj } = project();
    const text = model.parsed.text;
    assert.equal(checkRename(proj, model, text.indexOf('front: {}')).ok, true);
    const legacy = checkRename(proj, model, text.indexOf('legacy'));
    assert.equal(legacy.ok, false);
    assert.match((legacy as { reason: string }).reason, /external/);
    assert.equal(checkRename(proj, model, text.indexOf('image: nginx')).ok, false);
    const undeclared = readModel('services:\n  a:\n    networks: [ghost]\n');
    assert.match((checkRename(singleFileProject(undeclared), undeclared, undeclared.parsed.text.indexOf('ghost')) as { reason: string }).reason, /not declared/);
    const vol = readModel('name: proj\nservices:\n  a:\n    volumes: [cache:/c]\nvolumes:\n  cache: {}\n');
    const refused = checkRename(singleFileProject(vol), vol, vol.parsed.text.indexOf('cache: {}'), engine());
    assert.match((refused as { reason: string }).reason, /proj_cache/);
    assert.equal(checkRename(singleFileProject(vol), vol, vol.parsed.text.indexOf('cache: {}')).ok, true);
    const withDefault = readModel('services:\n  a:\n    image: x\nnetworks:\n  default:\n    name: shared\n');
    assert.match((checkRename(singleFileProject(withDefault), withDefault, withDefault.parsed.text.indexOf('default:')) as { reason: string }).reason, /every service without/);
    assert.match(checkNewName(proj, 'network', 'front', 'back')!, /already has/);
    assert.match(checkNewName(proj, 'network', 'front', 'a b')!, /not a valid/);
    assert.equal(checkNewName(proj, 'network', 'front', 'edge'), undefined);
  });
});

suite('Compose editing: links, inlay hints, key hovers', () => {
  test('links: label_file, one or a list', () => {
    const model = readModel('services:\n  a:\n    label_file: ./a.labels\n  b:\n    label_file:\n      - ./b.labels\n');
    const links = documentLinks(model, { dir: '/p', resolve: (t) => t });
    assert.deepEqual(links.map((l) => [l.role, l.target]), [['label_file', '/p/a.labels'], ['label_file', '/p/b.labels']]);
  });

  test('links: include, env_file, build context and dockerfile, bind sources, secret files', () => {
    const { model, proj } = project();
    const links = documentLinks(model, { dir: appDir, resolve: (t) => interpolate(t, proj.env), home: '/home/u' });
    const rows = links.map((l) => [l.role, model.parsed.text.slice(l.start, l.end), path.relative(appDir, l.target)]);
    assert.deepEqual(rows, [
      ['include', './db/compose.yaml', 'db/compose.yaml'],
      ['env_file', './web.env', 'web.env'],
      ['build.context', './web', 'web'],
      ['build.dockerfile', 'Dockerfile', 'web/Dockerfile'],
      ['bind', './web', 'web'],
      ['file', './token.txt', 'token.txt'],
    ]);
  });

  test('inlay hints: engine names (with the live subnet) and interpolated values with their source', () => {
    const { model, proj } = project();
    const hints = inlayHints(model, proj, { processEnv: {}, engine: engine() });
    const labelsAt = hints.map((h) => h.label);
    assert.deepEqual(labelsAt, [
      '= "1.27" (default)',
      '= "2.1" (.env)',
      '→ shop_front · 172.21.0.0/16',
      '→ shop_back',
      '→ legacy',
      '→ shop_assets',
    ]);
    const text = model.parsed.text;
    assert.equal(hints[0].offset, text.indexOf('${NGINX_TAG:-1.27}') + '${NGINX_TAG:-1.27}'.length);
    // From the process environment, and only in the range asked for.
    const fromEnv = loadProject(appFile, nodeFileHost, { NGINX_TAG: '1.28' });
    const inRange = inlayHints(fromEnv.files[0].model, fromEnv, { processEnv: { NGINX_TAG: '1.28' }, start: 0, end: text.indexOf('env_file') });
    assert.deepEqual(inRange.map((h) => h.label), ['= "1.28" (environment)']);
    // A host port a running container of another project holds (the engine's container "busy" publishes 8080).
    const ports = readModel('name: proj\nservices:\n  a:\n    ports:\n      - "8080:80"\n      - "8081:80"\n      - target: 80\n        published: 8080\n        protocol: udp\n');
    const portLabels = inlayHints(ports, singleFileProject(ports), { engine: engine() }).map((h) => [ports.parsed.text.slice(0, h.offset).split('\n').length, h.label]);
    assert.deepEqual(portLabels, [[5, '⚠ 8080 in use by busy']]);
    const unset = readModel('services:\n  a:\n    image: $NOPE\n    command: echo $$HOME # ${X}\n');
    assert.deepEqual(inlayHints(unset, singleFileProject(unset)).map((h) => h.label), ['= "" (unset)']);
  });

  test('hover documentation for keys, with the reference link', () => {
    const { model } = project();
    const text = model.parsed.text;
    const hover = keyHoverAt(model, text.indexOf('env_file') + 2)!;
    assert.equal(hover.key, 'env_file');
    assert.match(hover.markdown, /^\*\*services\.web\.env_file\*\*/);
    assert.match(hover.markdown, /reference\/compose-file\/services\/#env_file/);
    const subnet = keyHoverAt(model, text.indexOf('subnet:') + 1)!;
    assert.match(subnet.markdown, /networks\.back\.ipam\.config\.subnet\*\*\n\nSubnet in CIDR/);
    // A service name is not a schema key (its hover is the name hover).
    assert.equal(keyHoverAt(model, text.indexOf('web:') + 1), undefined);
    assert.equal(keyHoverAt(model, text.indexOf('nginx:') + 1), undefined);
  });
});

/** Keys whose path read from indentation differs from the parsed tree's (block keys, unquoted). */
function pathMismatches(files: string[]): { checked: number; wrong: string[] } {
  const wrong: string[] = [];
  let checked = 0;
  for (const file of files) {
    const model = modelOf(parseCompose(readFileSync(file, 'utf8')));
    const { text, lines } = model.parsed;
    const walk = (node: CNode | undefined, at: string[]) => {
      if (!node) return;
      if (isMapNode(node)) {
        if (node.flow) return;
        for (const e of node.entries) {
          // Quoted keys, explicit `? key` entries and aliases as keys are left out (their start is not the name).
          const lineStart = lines.lineStart(lines.position(e.keyStart).line);
          if (e.keyEnd > e.keyStart && !/["'?&*!]/.test(text[e.keyStart]) && !text.slice(lineStart, e.keyStart).includes('?')) {
            const ctx = cursorContext(text, lines, e.keyStart + 1);
            checked++;
            if (ctx.kind !== 'key' || ctx.path.join('.') !== at.join('.')) {
              wrong.push(`${path.basename(path.dirname(file))}:${lines.position(e.keyStart).line + 1} ${e.key}: ${ctx.kind} ${ctx.path.join('.')} (tree: ${at.join('.')})`);
            }
          }
          walk(e.value, [...at, e.key]);
        }
      } else if (isSeqNode(node) && !node.flow) {
        for (const item of node.items) walk(item, [...at, '[]']);
      }
    };
    walk(model.root, []);
  }
  return { checked, wrong };
}

suite('Compose editing: YAML anchors and aliases', () => {
  // The Compose Specification's own fragments example, with a redefined anchor and decoys in a string,
  // a comment and a block scalar.
  const text = [
    'x-logging: &default-logging',
    '  driver: json-file',
    'services:',
    '  frontend:',
    '    image: "example/webapp &not-an-anchor *not-an-alias"',
    '    logging: *default-logging',
    '    # logging: *default-logging in a comment',
    '  backend:',
    '    image: example/database',
    '    logging: *default-logging',
    '    command: |',
    '      echo *default-logging',
    '    environment: &default-logging',
    '      A: "1"',
    '  worker:',
    '    environment: *default-logging',
    '    entrypoint: [run, *default-logging]',
    '',
  ].join('\n');
  const at = (needle: string, nth = 0) => { let i = -1; for (let k = 0; k <= nth; k++) i = text.indexOf(needle, i + 1); return i; };

  test('marks only real anchors and aliases, each alias bound to the nearest anchor before it', () => {
    const marks = anchorMarks(text);
    assert.deepEqual(marks.map((m) => `${m.kind} ${text.slice(m.start, m.end)} -> ${m.definition}`), [
      `anchor default-logging -> ${at('&default-logging') + 1}`,
      `alias default-logging -> ${at('&default-logging') + 1}`,
      `alias default-logging -> ${at('&default-logging') + 1}`,
      `anchor default-logging -> ${at('&default-logging', 1) + 1}`,
      `alias default-logging -> ${at('&default-logging', 1) + 1}`,
      `alias default-logging -> ${at('&default-logging', 1) + 1}`,
    ]);
  });

  test('the group under the cursor is the anchor and the aliases that mean it, from the sigil or the name', () => {
    const first = anchorGroupAt(text, at('*default-logging'));
    assert.equal(first?.group.length, 3);
    assert.equal(first?.group[0].kind, 'anchor');
    const second = anchorGroupAt(text, at('*default-logging', 4) + 5);
    assert.deepEqual(second?.group.map((m) => m.start), [at('&default-logging', 1) + 1, at('*default-logging', 4) + 1, at('*default-logging', 5) + 1]);
    assert.equal(anchorGroupAt(text, at('&not-an-anchor') + 2), undefined);
    assert.equal(anchorGroupAt(text, at('image: example')), undefined);
    assert.deepEqual(anchorMarks('services: {}\n'), []);
    // Above the size read on the extension host, nothing is parsed (and nothing highlighted).
    assert.deepEqual(anchorMarks(`${text}${'#'.repeat(MAX_ANCHOR_TEXT)}\n`), []);
  });

  test('on every fixture and corpus file: the same anchors and aliases, in the same order, as the yaml library finds', function () {
    let corpus: string[] = [];
    try { corpus = yamlFilesUnder(corpusOrSkip(this)); } catch { corpus = []; }
    let checked = 0;
    for (const file of [...yamlFilesUnder(path.join(root, 'test/fixtures')), ...corpus]) {
      const source = readFileSync(file, 'utf8');
      const expected: string[] = [];
      for (const doc of parseAllDocuments(source)) {
        if (!('contents' in doc)) continue;
        visit(doc, (_key, node) => {
          if (isAlias(node)) expected.push(`alias ${node.source}`);
          else if (isNode(node) && node.anchor) expected.push(`anchor ${node.anchor}`);
        });
      }
      const marks = anchorMarks(source);
      assert.deepEqual(marks.map((m) => `${m.kind} ${m.name}`), expected, file);
      for (const m of marks) assert.equal(source.slice(m.start, m.end), m.name, file);
      checked += marks.length;
    }
    assert.ok(checked > 0, 'no anchors in the fixtures');
  });
});

suite('Compose editing on the corpus and the fixtures', () => {
  let files: string[] = [];

  suiteSetup(function () {
    files = yamlFilesUnder(corpusOrSkip(this));
  });

  test('the key path read from indentation is the parsed tree\'s path, at every block key of every rule fixture', () => {
    const { checked, wrong } = pathMismatches(yamlFilesUnder(path.join(root, 'test/fixtures')));
    assert.ok(checked > 500, `only ${checked} keys checked`);
    assert.deepEqual(wrong, []);
  });

  test('the same at every block key of every corpus file', () => {
    const { checked, wrong } = pathMismatches(files);
    assert.ok(checked > 500, `only ${checked} keys checked`);
    assert.deepEqual(wrong, []);
  });

  test('completion, hints, outline, links and references never throw, at every line end of every file', () => {
    for (const file of files) {
      const text = readFileSync(file, 'utf8');
      const model = modelOf(parseCompose(text));
      const proj = loadProject(file, nodeFileHost, {}, new Map([[file, model]]));
      const { lines } = model.parsed;
      for (let l = 0; l < lines.lineCount; l++) {
        for (const offset of [lines.lineStart(l), lines.lineEnd(l)]) {
          completions({ text, lines, project: proj, offset, engine: engine() });
          occurrenceAt(model, offset);
          keyHoverAt(model, offset);
        }
      }
      inlayHints(model, proj, { engine: engine() });
      documentSymbols(model);
      documentLinks(model, { dir: path.dirname(file), resolve: (t) => interpolate(t, proj.env) });
    }
  });
});
