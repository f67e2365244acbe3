// Every rule against its own fixtures (test/fixtures/compose/<rule-id>/{positive,negative}.yaml): the positive
// fixture gives exactly the diagnostics listed here (rule id, range, message), the negative one none of that
// rule. Engine-dependent rules run against a small fake engine here and against the real one in test/engine.
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { analyze, analyzeText, type ComposeDiagnostic } from '../../src/compose/analyze';
import { applyEdits, editsFor } from '../../src/compose/edits';
import { modelOf } from '../../src/compose/declarations';
import { parseCompose } from '../../src/compose/parse';
import { loadProject, nodeFileHost } from '../../src/compose/project';
import { RULE_IDS, RULES } from '../../src/compose/rules';
import { fakeEngine } from '../support/composeEngine';

const root = path.resolve(__dirname, '../../..');
const fixtures = path.join(root, 'test/fixtures/compose');

/** rule id → the positive fixture's diagnostics of that rule, as "L:C-L:C message" (1-based). */
const EXPECTED: Record<string, string[]> = {
  'yaml-syntax': ['4:5-4:21 YAML: Flow sequence in block collection must be sufficiently indented and end with a ]. Fix the syntax here.'],
  schema: ['4:5-4:10 Unknown key "prots" in services.web: remove it, or rename it x-prots to keep it as an extension.'],
  'undefined-network': ['4:16-4:23 Network "fronted" is not declared under top-level networks: did you mean "frontend"?'],
  'undefined-volume': ['5:9-5:15 Volume "db-dat" is not declared under top-level volumes: did you mean "db-data"?'],
  'undefined-config': ['5:9-5:19 Config "nginx-conf" is not declared under top-level configs: did you mean "nginx_conf"?'],
  'undefined-secret': [
    '5:9-5:20 Secret "db_password" is not declared under top-level secrets: declare it there.',
    '11:19-11:28 Secret "npm_token" is not declared under top-level secrets: declare it there.',
  ],
  'undefined-service': [
    '5:9-5:12 Service "dbb" in depends_on does not exist: did you mean "db"?',
    '10:19-10:33 Service "webb" in network_mode does not exist: did you mean "web"?',
    '14:10-14:21 Service "dbb" in ipc does not exist: did you mean "db"?',
    '15:10-15:27 Service "nowhere" in pid does not exist: name a service of this project.',
    '20:15-20:29 Service "buildr" in build.additional_contexts does not exist: name a service of this project.',
    '24:7-25:33 Service "bar" extends "with_network_mode" from other/base.yaml, whose network_mode names service "zot": this project has no such service; define it here, or remove it there.',
    '24:7-25:33 Service "bar" extends "with_depends_on" from other/base.yaml, whose depends_on names service "zot": this project has no such service; define it here, or remove it there.',
  ],
  'depends-on-cycle': [
    '4:18-4:19 depends_on cycle: a → b → a; remove one of these dependencies.',
    '7:18-7:19 depends_on cycle: b → a → b; remove one of these dependencies.',
  ],
  'unused-network': ['7:3-7:7 Network "back" is declared but no service joins it: add it to a service\'s networks or remove it.'],
  'unused-volume': ['5:3-5:8 Volume "cache" is declared but no service mounts it: mount it in a service or remove it.'],
  'duplicate-host-port': [
    '5:9-5:18 Host port 8080/tcp is published by service "api" too: use a different host port for one of them.',
    '9:9-9:40 Host port 127.0.0.1:8078-8082/tcp is published by service "web" too: use a different host port for one of them.',
  ],
  'port-in-use': ['5:9-5:19 Host port 18080/tcp is already published by running container "busy-web": stop it or pick another host port.'],
  'invalid-port': [
    '5:9-5:19 Host port 80800 is outside 0-65535 in "80800:80".',
    '6:9-6:23 Unknown protocol "tcpp" in port mapping "8080:80/tcpp": use tcp, udp or sctp.',
    // compose-go override/uncity.go: the schema lets target out, the loader does not.
    '7:9-7:24 A port mapping needs a target (the port in the container): add target:.',
  ],
  'invalid-volume-mapping': [
    '5:9-5:36 Volume target "usr/share/nginx/html" must be an absolute path in the container, for example /data.',
    '6:9-6:36 Volume mapping "./conf:/etc/nginx/conf.d:" has an empty mode: write ro, rw, z, Z, nocopy or a propagation mode after the last colon, or remove it.',
    '7:15-7:20 A mount needs a target (the path in the container): add target: /path.',
  ],
  'network-mode-conflict': [
    '5:5-5:10 network_mode: service:app cannot be combined with ports (the ports belong to the service whose network it shares; publish them there): remove ports.',
    '7:5-7:13 network_mode: service:app cannot be combined with networks: remove one of the two.',
    // compose-go loader/validate.go refuses networks beside any network_mode, bridge included.
    '12:5-12:13 network_mode: bridge cannot be combined with networks: remove one of the two.',
  ],
  'ignored-setting': [
    '5:5-5:10 ports are dropped with network_mode: host (the service uses the host\'s ports directly): remove them.',
    '10:5-10:10 ports are dropped with network_mode: none (the service has no network to publish on): remove them.',
    '15:9-15:47 docker compose drops the volume option "U" of "./data/db:/var/lib/postgresql/data:Z,U": it applies ro, rw, z, Z, nocopy and propagation modes only; remove it, or use the long syntax.',
    '16:9-16:43 docker compose drops the volume options "noexec", "idmap" of "./scratch:/scratch:rw,noexec,idmap": it applies ro, rw, z, Z, nocopy and propagation modes only; remove them, or use the long syntax.',
  ],
  'internal-network-ports': ['5:5-5:10 Service "db" publishes ports but is only on internal network "backend": join a non-internal network or remove ports.'],
  'invalid-subnet': ['9:19-9:31 Network "lan": "10.10.0.1/16" has host bits set: did you mean 10.10.0.0/16?'],
  'gateway-outside-subnet': ['10:20-10:30 Network "lan": Gateway 172.29.0.1 is outside the subnet 172.28.0.0/16. Pick an address inside it.'],
  'subnet-overlap': [
    '9:19-9:30 Subnet 10.1.0.0/16 of network "a" overlaps 10.1.2.0/24 of network "b": pick subnets that do not overlap.',
    '13:19-13:30 Subnet 10.1.2.0/24 of network "b" overlaps 10.1.0.0/16 of network "a": pick subnets that do not overlap.',
  ],
  'subnet-overlaps-engine': ['9:19-9:32 Subnet 10.231.0.0/16 overlaps 10.231.5.0/24 of network "other-net" on the engine: pick a free subnet or remove that network.'],
  'external-missing': [
    '8:3-8:8 External network "proxy" does not exist on the engine: create it (docker network create proxy) before docker compose up.',
    '11:3-11:8 External volume "shared-certs" does not exist on the engine: create it (docker volume create shared-certs) before docker compose up.',
  ],
  'overlay-without-swarm': ['7:13-7:20 Network "mesh" uses the overlay driver but the engine is not in Swarm mode: use driver bridge, or run docker swarm init.'],
  'obsolete-version': ['1:1-1:8 The version key is obsolete and ignored by Compose: remove it.'],
  'bind-source-missing': [
    '5:9-5:48 Bind mount source ./missing-site does not exist: create it, or Docker creates an empty folder owned by root.',
    '7:17-7:31 Bind mount source ./missing-conf does not exist: create it, or Docker creates an empty folder owned by root.',
  ],
  'duplicate-container-name': [
    '4:21-4:24 container_name "app" is also used by service "api": container names must be unique, change one.',
    '7:21-7:24 container_name "app" is also used by service "web": container names must be unique, change one.',
  ],
  // The loader's own errors (compose-go loader/, validation/, transform/; fixtures written here after its tests).
  'yaml-merge': [
    '5:9-5:10 << merges mappings only, not a number: point it at a mapping (<<: *anchor) or a list of mappings, or write the keys out.',
    '8:21-8:25 << merges mappings only, not a string: point it at a mapping (<<: *anchor) or a list of mappings, or write the keys out.',
  ],
  'yaml-anchor': [
    '2:10-2:15 The alias *loop is inside the value of its own anchor &loop, so that value would contain itself: point the alias at another anchor or move it out.',
    // compose-go loader/reset_test.go: an anchor merged into its own value is that error, not also a bad merge.
    '5:9-5:14 The alias *self is inside the value of its own anchor &self, so that value would contain itself: point the alias at another anchor or move it out.',
    // yaml.v3: "unknown anchor 'nothere' referenced".
    '9:13-9:21 The alias *nothere refers to no anchor: define &nothere on a value before this alias (in the same document), or write the value out.',
  ],
  'non-string-key': [
    '5:7-5:9 The key 80 is read as a number; Compose accepts only string keys: quote it ("80").',
    '6:7-6:11 The key true is read as a boolean; Compose accepts only string keys: quote it ("true").',
  ],
  'empty-file': [
    '2:1-2:15 The Compose file is empty (version alone does not count: it is ignored): docker compose refuses it; add a services section.',
  ],
  'invalid-interpolation': [
    '3:21-3:33 Invalid interpolation "${PG_VERSION": Compose stops on it; close the variable as ${NAME} (or ${NAME:-default}), or write $$ for a literal $.',
    '6:27-6:37 Invalid interpolation "${ss:word}": Compose stops on it; close the variable as ${NAME} (or ${NAME:-default}), or write $$ for a literal $.',
  ],
  'include-missing': [
    '2:5-2:19 Included file ./missing.yaml does not exist: create it or fix the path.',
    '3:28-3:51 Included file ./missing-override.yaml does not exist: create it or fix the path.',
  ],
  'include-remote': [
    '2:5-2:32 oci://docker.io/acme/base:1 is fetched by docker compose and not checked here: what it declares is unknown to the other checks.',
    '3:12-3:41 git@github.com:acme/stack.git is fetched by docker compose and not checked here: what it declares is unknown to the other checks.',
  ],
  'include-cycle': [
    '2:5-2:15 include cycle: positive.yaml → inc/a.yaml → positive.yaml; remove one of these includes.',
  ],
  'include-conflict': [
    '3:5-3:20 inc/db-old.yaml defines services.db differently from inc/db.yaml, included before it: Compose merges the two, the earlier one\'s settings winning (older Compose releases refuse it); rename one if they are different things.',
    '6:3-6:5 services.db is also defined, differently, in the included inc/db.yaml: Compose merges the two, this file\'s settings over the included ones (older Compose releases refuse it); rename one if they are different things, or change it in inc/db.yaml.',
    '6:3-6:5 services.db is also defined, differently, in the included inc/db-old.yaml: Compose merges the two, this file\'s settings over the included ones (older Compose releases refuse it); rename one if they are different things, or change it in inc/db-old.yaml.',
    '11:3-11:8 services.cache is also defined, differently, in the included inc/nested/redis.yaml (included by inc/cache.yaml): Compose merges the two, this file\'s settings over the included ones (older Compose releases refuse it); rename one if they are different things, or change it in inc/nested/redis.yaml.',
  ],
  'extends-missing': [
    '3:14-3:17 Service "web" extends "bse", which is not defined in positive.yaml: define it here, or add file: to name the file that has it.',
    '8:16-8:20 Service "apii" is not defined in other/common.yaml, which service "api" extends from: fix the name or the file.',
    '11:13-11:31 The file other/nowhere.yaml that service "worker" extends from does not exist: fix the path.',
  ],
  'extends-cycle': [
    '3:14-3:15 extends cycle: a → b → a; break the chain.',
    '6:16-6:17 extends cycle: b → a → b; break the chain.',
    '10:16-10:17 extends cycle: c → d (other/loop.yaml) → c; break the chain.',
    '12:14-12:15 This extends leads into an extends cycle (a → b → a): break that chain.',
  ],
  'external-conflict': [
    '9:5-9:11 Volume "data" is external, so Compose does not create it and refuses "labels" beside external: remove labels, or remove external to let Compose create it.',
    '14:5-14:11 Volume "logs" is external, so Compose does not create it and refuses "driver" beside external: remove driver, or remove external to let Compose create it.',
    '15:5-15:16 Volume "logs" is external, so Compose does not create it and refuses "driver_opts" beside external: remove driver_opts, or remove external to let Compose create it.',
  ],
  'external-network-options': [
    '9:5-9:11 Network "proxy" is external, so Compose does not create it and ignores "driver": remove driver, or remove external to let Compose create it.',
    '10:5-10:9 Network "proxy" is external, so Compose does not create it and ignores "ipam": remove ipam, or remove external to let Compose create it.',
  ],
  'external-name-conflict': [
    '9:7-9:11 networks.proxy sets both name and the deprecated external.name: Compose refuses both; keep name and write external: true.',
  ],
  'resource-source': [
    '8:5-8:9 Config "site" sets file and content: they are mutually exclusive; keep one.',
    '9:5-9:12 Config "site" sets file and content: they are mutually exclusive; keep one.',
    '11:3-11:8 Config "empty" has no content: set one of file, environment or content, or external: true if it already exists.',
    '15:5-15:9 Secret "token" sets file and environment: they are mutually exclusive; keep one.',
    '16:5-16:16 Secret "token" sets file and environment: they are mutually exclusive; keep one.',
    '17:3-17:10 Secret "nothing" has no content: set file or environment, or external: true if it already exists.',
    '20:3-20:8 Secret "vault" has no content: set file or environment, or external: true if it already exists.',
  ],
  'build-platform': [
    '6:15-6:27 platform linux/arm/v7 of service "app" is not in its build.platforms (linux/amd64, linux/arm64): add it there or change platform.',
  ],
  'env-file-missing': [
    '4:15-4:32 env_file ./env/missing.env of service "app" does not exist: create it, or use the long syntax with required: false.',
    '9:15-9:30 env_file ./env/local.env of service "worker" does not exist: create it (from local.env.example beside it), or use the long syntax with required: false.',
  ],
  'env-file-syntax': [
    '4:15-4:33 env_file ./env/bad-name.env, line 3: "-" cannot be in a variable name (letters, digits, _ and . only): docker compose cannot read it; fix that line.',
    '8:9-8:27 env_file ./env/unclosed.env, line 2: the value of MOTD opens a double quote that is never closed: docker compose cannot read it; fix that line.',
    '9:15-9:30 env_file ./env/space.env, line 1: a variable name cannot contain a space: docker compose cannot read it; fix that line.',
  ],
  'label-file-missing': [
    '6:9-6:25 label_file ./missing.labels of service "web" does not exist: create it or fix the path.',
    '9:17-9:29 label_file ./api.labels of service "api" does not exist: create it or fix the path.',
  ],
  'device-count': [
    '9:15-9:20 A device request in deploy.resources.reservations.devices of service "trainer" sets both count and device_ids: they are exclusive; keep count (how many) or device_ids (which ones).',
    '13:22-13:26 count "some" in deploy.resources.reservations.devices of service "trainer" is neither a number nor "all": use a number of devices, or all.',
  ],
  'invalid-environment-key': [
    '6:9-6:16 "=orphan" in environment of service "app" has no variable name before "=": write NAME=value.',
    '7:9-7:19 " =spaced" in environment of service "app" has no variable name before "=": write NAME=value.',
    '8:9-8:21 Environment variable "DEBUG" of service "app" is declared with a trailing space in "DEBUG = true": write DEBUG=true.',
    '12:7-12:14 Environment variable "MODE " of service "worker" is declared with a trailing space: remove it.',
  ],
  'image-or-build': [
    '2:3-2:6 Service "web" has neither an image nor a build context: add image: (to run an image) or build: (to build one).',
  ],
  'dockerfile-conflict': [
    '6:7-6:24 Service "app" sets both build.dockerfile and build.dockerfile_inline: they are mutually exclusive; keep one.',
  ],
  'healthcheck-test': [
    '5:14-5:20 healthcheck.test of service "web" starts with "curl": a list must start with "CMD" (run it), "CMD-SHELL" (run it in a shell) or "NONE"; add CMD before it, or write the test as one string.',
  ],
  'distinct-limits': [
    '4:12-4:13 Service "worker" sets scale: 2 and deploy.replicas: 3: Compose refuses two different values; keep one of them.',
    '5:11-5:14 Service "worker" sets cpus: 0.5 and deploy.resources.limits.cpus: 1: Compose refuses two different values; keep one of them.',
    '16:11-16:14 Service "api" sets cpus: 1.5 and has deploy.resources.limits without cpus, which Compose reads as 0: Compose refuses two different values; set deploy.resources.limits.cpus: 1.5 there too, or keep only one.',
  ],
  'container-name-scale': [
    '4:5-4:19 Service "worker" sets container_name and deploy.replicas: 2: a container name is unique, so only one container can have it; remove container_name or run one replica.',
  ],
  'watch-target': [
    '7:19-7:23 develop.watch action sync of service "web" needs a target (where the files go in the container): add target:, or use action: rebuild or restart.',
    '8:17-8:19 A develop.watch path of service "web" is empty: name the file or folder to watch.',
  ],
};

function analyzeFixture(rule: string, kind: 'positive' | 'negative', text?: string) {
  const file = path.join(fixtures, rule, `${kind}.yaml`);
  const model = modelOf(parseCompose(text ?? readFileSync(file, 'utf8')));
  const project = loadProject(file, nodeFileHost, {}, new Map([[file, model]]));
  return analyze(model, { file, project, engine: fakeEngine(), host: nodeFileHost });
}

function show(d: ComposeDiagnostic): string {
  const { start, end } = d.range;
  return `${start.line + 1}:${start.character + 1}-${end.line + 1}:${end.character + 1} ${d.message}`;
}

suite('compose rules: a positive and a negative fixture for every rule', () => {
  test('every rule has fixtures and expectations, and every fixture folder is a rule', () => {
    const folders = readdirSync(fixtures).sort();
    assert.deepEqual(folders, [...RULE_IDS].sort());
    assert.deepEqual(Object.keys(EXPECTED).sort(), [...RULE_IDS].sort());
  });

  test('rule ids, severities and descriptions are well-formed', () => {
    for (const r of RULES) {
      assert.match(r.id, /^[a-z]+(?:-[a-z]+)*$/, r.id);
      assert.ok(['error', 'warning', 'info', 'hint'].includes(r.defaultSeverity), r.id);
      assert.ok(r.description.length > 10, r.id);
    }
  });

  for (const rule of RULE_IDS) {
    test(`${rule}: positive fixture`, () => {
      const analysis = analyzeFixture(rule, 'positive');
      const got = analysis.diagnostics.filter((d) => d.code === rule);
      assert.deepEqual(got.map(show), EXPECTED[rule]);
      const severity = RULES.find((r) => r.id === rule)!.defaultSeverity;
      for (const d of got) {
        assert.equal(d.severity, severity);
        assert.ok(!d.message.includes('\n'), 'one-line message');
      }
    });

    test(`${rule}: negative fixture`, () => {
      const analysis = analyzeFixture(rule, 'negative');
      assert.deepEqual(analysis.diagnostics.filter((d) => d.code === rule).map(show), []);
      assert.deepEqual(analysis.diagnostics.filter((d) => d.severity === 'error').map((d) => `${d.code} ${show(d)}`), [], 'negative fixtures are free of errors');
    });
  }
});

suite('compose quick fixes', () => {
  function fixAndReanalyze(rule: string, title: RegExp): { text: string; remaining: string[] } {
    const file = path.join(fixtures, rule, 'positive.yaml');
    const analysis = analyzeFixture(rule, 'positive');
    const d = analysis.diagnostics.find((x) => x.code === rule)!;
    const fix = d.fixes.find((f) => title.test(f.title));
    assert.ok(fix, `no fix matching ${title} in ${JSON.stringify(d.fixes.map((f) => f.title))}`);
    const edits = editsFor(analysis.model, fix);
    assert.ok(edits);
    const text = applyEdits(readFileSync(file, 'utf8'), edits);
    const after = analyzeFixture(rule, 'positive', text);
    return { text, remaining: after.diagnostics.filter((x) => x.code === rule || x.code === 'yaml-syntax' || x.code === 'schema').map(show) };
  }

  test('replace with the near name', () => {
    const { text, remaining } = fixAndReanalyze('undefined-network', /Change to "frontend"/);
    assert.match(text, /networks: \[frontend\]/);
    assert.deepEqual(remaining, []);
  });

  test('declare the missing network at top level', () => {
    const { text, remaining } = fixAndReanalyze('undefined-network', /^Declare network "fronted"/);
    assert.match(text, /\nnetworks:\n {2}frontend: \{\}\n {2}fronted: \{\}\n/);
    assert.deepEqual(remaining, []);
  });

  test('declare the missing volume as external', () => {
    const { text, remaining } = fixAndReanalyze('undefined-volume', /as an external volume/);
    assert.match(text, /\n {2}db-dat:\n {4}external: true\n/);
    assert.deepEqual(remaining, []);
  });

  test('declare into a missing section appends it', () => {
    const text = 'services:\n  web:\n    image: nginx\n    networks: [lan]\n';
    const analysis = analyzeText(text);
    const fix = analysis.diagnostics.find((d) => d.code === 'undefined-network')!.fixes.find((f) => f.kind === 'declare' && !f.external)!;
    const fixed = applyEdits(text, editsFor(analysis.model, fix)!);
    assert.equal(fixed, `${text}\nnetworks:\n  lan: {}\n`);
    assert.deepEqual(analyzeText(fixed).diagnostics.filter((d) => d.severity === 'error'), []);
  });

  test('remove version deletes the whole line', () => {
    const { text, remaining } = fixAndReanalyze('obsolete-version', /Remove the version key/);
    assert.equal(text, 'services:\n  web:\n    image: nginx\n');
    assert.deepEqual(remaining, []);
  });

  test('create on the engine carries the external name', () => {
    const analysis = analyzeFixture('external-missing', 'positive');
    const fixes = analysis.diagnostics.filter((d) => d.code === 'external-missing').flatMap((d) => d.fixes);
    assert.deepEqual(fixes.map((f) => (f.kind === 'createNetwork' || f.kind === 'createVolume' ? [f.kind, f.args.name] : [])), [
      ['createNetwork', 'proxy'], ['createVolume', 'shared-certs'],
    ]);
  });

  test('severities can be changed and rules turned off', () => {
    const file = path.join(fixtures, 'obsolete-version', 'positive.yaml');
    const model = modelOf(parseCompose(readFileSync(file, 'utf8')));
    assert.equal(analyze(model, { severities: { 'obsolete-version': 'warning' } }).diagnostics[0].severity, 'warning');
    assert.equal(analyze(model, { severities: { 'obsolete-version': 'off' } }).diagnostics.length, 0);
  });
});

suite('compose rules: what Compose does not read', () => {
  test('values tagged !reset are not checked: Compose drops them while reading the file', () => {
    const reset = [
      'services:',
      '  a:',
      '    image: x',
      '    depends_on: !reset [nope]',
      '    networks: !reset [nonet]',
      '    volumes: !reset ["novol:/x"]',
      '    secrets: !reset',
      '      - nosec',
      '    ports: !reset ["80:80"]',
      '    extends: !reset {service: missing}',
      '    labels:',
      '      - !reset "kept=as compose-go keeps a tagged item"',
      '  b:',
      '    image: x',
      '    ports: ["80:80"]',
      '',
    ].join('\n');
    assert.deepEqual(analyzeText(reset).diagnostics.map((d) => d.code), []);
    // The same file without the tags has every one of those problems (the test would see them come back).
    const plain = reset.replace(/!reset ?/g, '');
    assert.deepEqual([...new Set(analyzeText(plain).diagnostics.map((d) => d.code))].sort(), [
      'duplicate-host-port', 'extends-missing', 'undefined-network', 'undefined-secret', 'undefined-service', 'undefined-volume',
    ]);
  });

  test("a project's .env that docker compose cannot read is reported once, at the top of the project's first file", () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'dnv-dotenv-'));
    try {
      writeFileSync(path.join(dir, 'compose.yaml'), 'services:\n  web:\n    image: nginx\n');
      writeFileSync(path.join(dir, 'compose.override.yaml'), 'services:\n  web:\n    ports: ["8080:80"]\n');
      const check = (file: string) => {
        const project = loadProject(path.join(dir, file), nodeFileHost);
        const model = project.files.find((f) => f.file === path.join(dir, file))!.model;
        return analyze(model, { file: path.join(dir, file), project, host: nodeFileHost }).diagnostics.filter((d) => d.code === 'env-file-syntax').map(show);
      };
      writeFileSync(path.join(dir, '.env'), 'TAG=1\nexport OK="yes" # fine\nPASSWORD="unclosed\n');
      assert.deepEqual(check('compose.yaml'), [
        `1:1-1:10 The project's .env (${path.join(dir, '.env')}), line 3: the value of PASSWORD opens a double quote that is never closed: docker compose refuses every command of this project until that line is fixed.`,
      ]);
      assert.deepEqual(check('compose.override.yaml'), []);
      writeFileSync(path.join(dir, '.env'), 'TAG=1\nexport OK="yes" # fine\nPASSWORD="closed"\n');
      assert.deepEqual(check('compose.yaml'), []);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
