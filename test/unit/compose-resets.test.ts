// !reset and !override across the files of a project, as compose-go applies them (loader/reset.go,
// loader/loader.go): a file's tags remove what the files before it gave at those paths, before it is merged.
// Each case is checked with the tags and with the same texts without them, so that every assertion can fail.
import assert from 'node:assert/strict';
import path from 'node:path';
import { analyze, analyzeText, type ComposeDiagnostic } from '../../src/compose/analyze';
import { parseCompose } from '../../src/compose/parse';
import { loadProject, type FileHost } from '../../src/compose/project';
import { resetPaths, withoutResetPaths } from '../../src/compose/resets';

function memoryHost(files: Record<string, string>): FileHost {
  return {
    readFile: (f) => files[f],
    readDir: (d) => Object.keys(files).filter((f) => path.dirname(f) === d).map((f) => path.basename(f)),
    exists: (f) => f in files,
  };
}

function show(d: ComposeDiagnostic): string {
  const { start, end } = d.range;
  return `${d.code} ${start.line + 1}:${start.character + 1}-${end.line + 1}:${end.character + 1} ${d.message}`;
}

/** Every file of the project in /p (base compose.yaml) analysed in it: file name → its diagnostics. */
function check(files: Record<string, string>): Record<string, string[]> {
  const abs = Object.fromEntries(Object.entries(files).map(([name, text]) => [path.join('/p', name), text]));
  const host = memoryHost(abs);
  const project = loadProject('/p/compose.yaml', host);
  const out: Record<string, string[]> = {};
  for (const f of project.files) out[path.relative('/p', f.file)] = analyze(f.model, { file: f.file, project, host }).diagnostics.map(show);
  return out;
}

/** The same files without their !reset and !override tags. */
function untagged(files: Record<string, string>): Record<string, string> {
  return Object.fromEntries(Object.entries(files).map(([name, text]) => [name, text.replace(/!(?:reset|override) ?/g, '')]));
}

const BASE_WEB_API = [
  'services:',
  '  web:',
  '    image: nginx',
  '    ports: ["8080:80"]',
  '  api:',
  '    image: api',
  '    ports: ["8080:81"]',
  '',
].join('\n');

const PORT_CLASH = [
  'duplicate-host-port 4:13-4:22 Host port 8080/tcp is published by service "api" too: use a different host port for one of them.',
  'duplicate-host-port 7:13-7:22 Host port 8080/tcp is published by service "web" too: use a different host port for one of them.',
];

suite('compose !reset and !override across files', () => {
  test('an override that resets depends_on removes the base file\'s (list or mapping)', () => {
    const files = {
      'compose.yaml': 'services:\n  web:\n    image: nginx\n    depends_on: [db]\n  worker:\n    image: w\n    depends_on:\n      queue:\n        condition: service_started\n',
      'compose.override.yaml': 'services:\n  web:\n    depends_on: !reset {}\n  worker:\n    depends_on: !reset []\n',
    };
    assert.deepEqual(check(files), { 'compose.yaml': [], 'compose.override.yaml': [] });
    assert.deepEqual(check(untagged(files)), {
      'compose.yaml': [
        'undefined-service 4:18-4:20 Service "db" in depends_on does not exist: name a service of this project.',
        'undefined-service 8:7-8:12 Service "queue" in depends_on does not exist: name a service of this project.',
      ],
      'compose.override.yaml': [],
    });
  });

  test('a reset of one dependency removes it from the base file\'s list (compose-go has made the list a mapping by then)', () => {
    const files = {
      'compose.yaml': 'services:\n  web:\n    image: nginx\n    depends_on: [db, cache]\n  db:\n    image: postgres\n',
      'compose.override.yaml': 'services:\n  web:\n    depends_on:\n      cache: !reset\n',
    };
    assert.deepEqual(check(files), { 'compose.yaml': [], 'compose.override.yaml': [] });
    assert.deepEqual(check(untagged(files)), {
      'compose.yaml': ['undefined-service 4:22-4:27 Service "cache" in depends_on does not exist: name a service of this project.'],
      'compose.override.yaml': [
        'undefined-service 4:7-4:12 Service "cache" in depends_on does not exist: name a service of this project.',
        'schema 4:13-4:13 Services.web.depends_on.cache must be a mapping, not empty: change its value.',
      ],
    });
  });

  test('an override that resets ports removes the base file\'s', () => {
    const files = { 'compose.yaml': BASE_WEB_API, 'compose.override.yaml': 'services:\n  web:\n    ports: !reset []\n' };
    assert.deepEqual(check(files), { 'compose.yaml': [], 'compose.override.yaml': [] });
    assert.deepEqual(check(untagged(files)), { 'compose.yaml': PORT_CLASH, 'compose.override.yaml': [] });
  });

  test('ports: !override replaces the base file\'s ports instead of adding to them', () => {
    const files = { 'compose.yaml': BASE_WEB_API, 'compose.override.yaml': 'services:\n  web:\n    ports: !override ["9090:80"]\n' };
    assert.deepEqual(check(files), { 'compose.yaml': [], 'compose.override.yaml': [] });
    assert.deepEqual(check(untagged(files)), { 'compose.yaml': PORT_CLASH, 'compose.override.yaml': [] });
  });

  test('an override that resets one of a service\'s networks removes it from the base file\'s list', () => {
    const files = {
      'compose.yaml': 'services:\n  web:\n    image: nginx\n    networks: [front, legacy]\nnetworks:\n  front: {}\n',
      'compose.override.yaml': 'services:\n  web:\n    networks:\n      legacy: !reset\n',
    };
    assert.deepEqual(check(files), { 'compose.yaml': [], 'compose.override.yaml': [] });
    const legacy = 'Network "legacy" is not declared under top-level networks: declare it there (or as external).';
    assert.deepEqual(check(untagged(files)), {
      'compose.yaml': [`undefined-network 4:23-4:29 ${legacy}`],
      'compose.override.yaml': [`undefined-network 4:7-4:13 ${legacy}`],
    });
  });

  test('an override that resets a declared network removes the declaration: the base file\'s service then joins an undeclared network', () => {
    const files = {
      'compose.yaml': 'services:\n  web:\n    image: nginx\n    networks: [front]\nnetworks:\n  front: {}\n',
      'compose.override.yaml': 'networks:\n  front: !reset {}\n',
    };
    assert.deepEqual(check(files), {
      'compose.yaml': ['undefined-network 4:16-4:21 Network "front" is not declared under top-level networks: declare it there (or as external).'],
      'compose.override.yaml': [],
    });
    assert.deepEqual(check(untagged(files)), { 'compose.yaml': [], 'compose.override.yaml': [] });
  });

  test('an override that resets a service\'s volumes removes the base file\'s', () => {
    const files = {
      'compose.yaml': 'services:\n  db:\n    image: postgres\n    volumes: ["data:/var/lib/postgresql/data"]\n',
      'compose.override.yaml': 'services:\n  db:\n    volumes: !reset []\n',
    };
    assert.deepEqual(check(files), { 'compose.yaml': [], 'compose.override.yaml': [] });
    assert.deepEqual(check(untagged(files)), {
      'compose.yaml': ['undefined-volume 4:16-4:20 Volume "data" is not declared under top-level volumes: declare it there (or as external).'],
      'compose.override.yaml': [],
    });
  });

  test('a config that an override replaces with !override is judged on the override\'s keys alone', () => {
    const files = {
      'compose.yaml': 'services:\n  web:\n    image: nginx\n    configs: [app]\nconfigs:\n  app:\n    file: ./app.conf\n',
      'compose.override.yaml': 'configs:\n  app: !override\n    content: hello\n',
    };
    assert.deepEqual(check(files), { 'compose.yaml': [], 'compose.override.yaml': [] });
    const both = 'Config "app" sets file and content: they are mutually exclusive; keep one.';
    assert.deepEqual(check(untagged(files)), {
      'compose.yaml': [`resource-source 7:5-7:9 ${both}`],
      'compose.override.yaml': [`resource-source 3:5-3:12 ${both}`],
    });
  });

  test('a reset in the override does not hide the override\'s own problems, and !override keeps its own value', () => {
    const files = {
      'compose.yaml': BASE_WEB_API,
      'compose.override.yaml': 'services:\n  web:\n    depends_on: !reset []\n    networks: [nope]\n  api:\n    ports: !override ["8080:82"]\n',
    };
    assert.deepEqual(check(files), {
      'compose.yaml': ['duplicate-host-port 4:13-4:22 Host port 8080/tcp is published by service "api" too: use a different host port for one of them.'],
      'compose.override.yaml': [
        'undefined-network 4:16-4:20 Network "nope" is not declared under top-level networks: declare it there (or as external).',
        'duplicate-host-port 6:23-6:32 Host port 8080/tcp is published by service "web" too: use a different host port for one of them.',
      ],
    });
  });

  test('a reset in the base file removes nothing of the files after it', () => {
    const files = {
      'compose.yaml': 'services:\n  web:\n    image: nginx\n    depends_on: !reset [gone]\n',
      'compose.override.yaml': 'services:\n  web:\n    depends_on: [nope]\n',
    };
    assert.deepEqual(check(files), {
      'compose.yaml': [],
      'compose.override.yaml': ['undefined-service 3:18-3:22 Service "nope" in depends_on does not exist: name a service of this project.'],
    });
  });

  test('what an include brought is reset by the files after its includer', () => {
    const files = {
      'compose.yaml': 'include:\n  - db.yaml\nservices:\n  web:\n    image: nginx\n    ports: ["5432:80"]\n',
      'db.yaml': 'services:\n  db:\n    image: postgres\n    ports: ["5432:5432"]\n',
      'compose.override.yaml': 'services:\n  db:\n    ports: !reset []\n',
    };
    assert.deepEqual(check(files), { 'compose.yaml': [], 'compose.override.yaml': [], 'db.yaml': [] });
    assert.deepEqual(check(untagged(files)), {
      'compose.yaml': ['duplicate-host-port 6:13-6:22 Host port 5432/tcp is published by service "db" too: use a different host port for one of them.'],
      'compose.override.yaml': [],
      'db.yaml': ['duplicate-host-port 4:13-4:24 Host port 5432/tcp is published by service "web" too: use a different host port for one of them.'],
    });
  });

  test('checks compose-go makes while it loads the base file alone still see the values a later file resets', () => {
    // compose-go parses a file's ports (transform.Canonical) and interpolates it before the next file is read.
    const files = {
      'compose.yaml': 'services:\n  web:\n    image: nginx\n    ports: ["80800:80"]\n    environment:\n      A: ${oops\n',
      'compose.override.yaml': 'services:\n  web:\n    ports: !override ["8080:80"]\n    environment: !reset {}\n',
    };
    assert.deepEqual(check(files)['compose.yaml'], [
      'invalid-port 4:13-4:23 Host port 80800 is outside 0-65535 in "80800:80".',
      'invalid-interpolation 6:10-6:16 Invalid interpolation "${oops": Compose stops on it; close the variable as ${NAME} (or ${NAME:-default}), or write $$ for a literal $.',
    ]);
  });

  test('a reset of extends removes nothing: compose-go has already brought in what the service extends', () => {
    const files = {
      'compose.yaml': 'services:\n  base:\n    image: nginx\n  web:\n    extends: base\n',
      'compose.override.yaml': 'services:\n  web:\n    extends: !reset {}\n',
    };
    assert.deepEqual(check(files), { 'compose.yaml': [], 'compose.override.yaml': [] });
  });

  test('inside an !override value a !reset is kept, as compose-go does not look into it', () => {
    const text = 'services:\n  web:\n    image: nginx\n    networks: !override\n      front: !reset {}\n';
    assert.deepEqual(analyzeText(text).diagnostics.map(show), [
      'undefined-network 5:7-5:12 Network "front" is not declared under top-level networks: declare it there (or as external).',
    ]);
  });

  test('reset paths: keys joined with ".", as compose-go\'s tree.Path matches them; "*" matches any key', () => {
    const override = parseCompose('services:\n  my.app:\n    ports: !override []\n    labels:\n      com.example.x: !reset\nx-all:\n  "*": !reset\n').root;
    assert.deepEqual(resetPaths(override), ['services.my.app.ports', 'services.my.app.labels.com.example.x', 'x-all.*']);
    const base = parseCompose('services:\n  my.app:\n    image: a\n    ports: ["80:80"]\n    labels:\n      com.example.x: "1"\n      com.example.y: "2"\nx-all:\n  a: 1\n  b: 2\n').root;
    const kept = withoutResetPaths(base, resetPaths(override));
    const keys = (node: typeof kept, ...at: string[]): string[] => {
      let n = node;
      for (const k of at) n = n?.kind === 'map' ? n.entries.find((e) => e.key === k)?.value : undefined;
      return n?.kind === 'map' ? n.entries.map((e) => e.key) : [];
    };
    assert.deepEqual(keys(kept, 'services', 'my.app'), ['image', 'labels']);
    assert.deepEqual(keys(kept, 'services', 'my.app', 'labels'), ['com.example.y']);
    assert.deepEqual(keys(kept, 'x-all'), []);
    // Nothing to remove: the same tree.
    assert.equal(withoutResetPaths(base, ['services.other.ports']), base);
  });
});
