// Tokenizes Compose files with the YAML TextMate grammar plus our injection grammar
// (syntaxes/compose-mappings.injection.tmLanguage.json), the way VS Code does, and checks the scopes
// given to each piece of a port or volume mapping.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import * as oniguruma from 'vscode-oniguruma';
import { INITIAL, IGrammar, parseRawGrammar, Registry, StateStack } from 'vscode-textmate';

const root = path.resolve(__dirname, '../../..');
const INJECTION_SCOPE = 'compose.mappings.injection';
const INJECTION_PATH = path.join(root, 'syntaxes', 'compose-mappings.injection.tmLanguage.json');
const GENERATOR_PATH = path.join(root, 'syntaxes', 'build-compose-mappings.mjs');
const YAML_PATH = require.resolve('tm-grammars/grammars/yaml.json');

const ITEM = 'punctuation.definition.block.sequence.item.yaml';
const STRING_BEGIN = 'punctuation.definition.string.begin.yaml';
const STRING_END = 'punctuation.definition.string.end.yaml';
const PLAIN = 'string.unquoted.plain.out.yaml';
const DOUBLE = 'string.quoted.double.yaml';
const SINGLE = 'string.quoted.single.yaml';
const PORTS = 'meta.sequence.ports.compose';
const VOLUMES = 'meta.sequence.volumes.compose';
const IP = 'constant.numeric.ip-address.host.compose';
const HOST_PORT = 'constant.numeric.port.host.compose';
const CONTAINER_PORT = 'constant.numeric.port.container.compose';
const PORT_SEP = 'punctuation.separator.port.compose';
const RANGE_SEP = 'punctuation.separator.range.compose';
const PROTOCOL_SEP = 'punctuation.separator.protocol.compose';
const PROTOCOL = 'keyword.other.protocol.compose';
const NAMED_VOLUME = 'entity.name.tag.volume.compose';
const HOST_PATH = 'string.unquoted.path.host.compose';
const CONTAINER_PATH = 'string.unquoted.path.container.compose';
const VOLUME_SEP = 'punctuation.separator.volume.compose';
const MODE = 'storage.modifier.mode.compose';
const MODE_SEP = 'punctuation.separator.mode.compose';
const INTERPOLATION = 'variable.other.interpolation.compose';

const COMPOSE = [
  'services:',
  '  web:',
  '    image: nginx:1.25',
  '    ports:',
  '      - 127.0.0.1:8080:80/tcp',
  '      - 8080:80',
  '      - "3000-3005:3000-3005"',
  "      - '[::1]:53:53/udp'  # DNS over IPv6",
  '    volumes:',
  '      - ./src:/app:ro',
  '      - data:/var/lib/postgresql/data',
  '      - "/host/path:/container:rw,z"',
  '    environment:',
  '      - "8080:80"',
  '    command: ["echo", "8080:80"]',
  '  db:',
  '    image: postgres:16',
  '    # long syntax is left to the YAML grammar',
  '    ports:',
  '      - target: 5432',
  '        published: "5432"',
  '    expose:',
  '    - "5432"',
  '    - ${DEBUG_PORT}',
  '    volumes:',
  '    - /var/lib/postgresql/data',
  "    - '${DATA_DIR:-./data}:/srv:z'",
  'volumes:',
  '  data:',
  '    driver: local',
];

interface Token {
  text: string;
  scopes: string[];
}

let wasmLoaded: Promise<void> | undefined;

function loadOniguruma(): Promise<void> {
  if (!wasmLoaded) {
    const wasm = readFileSync(require.resolve('vscode-oniguruma/release/onig.wasm'));
    wasmLoaded = oniguruma.loadWASM(wasm.buffer.slice(wasm.byteOffset, wasm.byteOffset + wasm.byteLength));
  }
  return wasmLoaded;
}

async function loadYaml(withInjection: boolean): Promise<IGrammar> {
  await loadOniguruma();
  const files: Record<string, string> = { 'source.yaml': YAML_PATH };
  if (withInjection) files[INJECTION_SCOPE] = INJECTION_PATH;
  const registry = new Registry({
    onigLib: Promise.resolve({
      createOnigScanner: (patterns: string[]) => new oniguruma.OnigScanner(patterns),
      createOnigString: (s: string) => new oniguruma.OnigString(s),
    }),
    loadGrammar: async (scopeName: string) => {
      const file = files[scopeName];
      return file ? parseRawGrammar(readFileSync(file, 'utf8'), file) : null;
    },
    getInjections: (scopeName: string) => (withInjection && scopeName === 'source.yaml' ? [INJECTION_SCOPE] : undefined),
  });
  const grammar = await registry.loadGrammar('source.yaml');
  assert.ok(grammar, 'the YAML grammar loads');
  return grammar;
}

/** Tokens of every line, whitespace-only tokens left out. */
function tokenize(grammar: IGrammar, lines: string[]): Token[][] {
  let state: StateStack = INITIAL;
  return lines.map((line) => {
    const result = grammar.tokenizeLine(line, state);
    state = result.ruleStack;
    return result.tokens
      .map((t) => ({ text: line.slice(t.startIndex, t.endIndex), scopes: t.scopes }))
      .filter((t) => t.text.trim() !== '');
  });
}

const isOurs = (scope: string) => scope.endsWith('.compose');

suite('Compose port and volume mapping grammar', () => {
  let withInjection: Token[][];
  let yamlOnly: Token[][];

  suiteSetup(async () => {
    withInjection = tokenize(await loadYaml(true), COMPOSE);
    yamlOnly = tokenize(await loadYaml(false), COMPOSE);
  });

  function tokensOf(line: string): Token[] {
    const index = COMPOSE.indexOf(line);
    assert.ok(index >= 0 && COMPOSE.lastIndexOf(line) === index, `fixture has exactly one line ${JSON.stringify(line)}`);
    return withInjection[index];
  }

  /** Compares each token's text and its innermost scope, and checks that every token carries `outer`. */
  function expectTokens(line: string, outer: string[], expected: [string, string][]): Token[] {
    const tokens = tokensOf(line);
    assert.deepEqual(
      tokens.map((t) => [t.text, t.scopes[t.scopes.length - 1]]),
      expected,
      `tokens of ${JSON.stringify(line)}:\n${tokens.map((t) => `  ${JSON.stringify(t.text)} ${t.scopes.join(' ')}`).join('\n')}`,
    );
    for (const t of tokens) {
      for (const scope of outer) assert.ok(t.scopes.includes(scope), `${JSON.stringify(t.text)} in ${JSON.stringify(line)} lacks ${scope}: ${t.scopes.join(' ')}`);
    }
    return tokens;
  }

  /** The tokens after the "-" of a sequence item, which all belong to the one scalar. */
  function expectScalar(tokens: Token[], scopes: string[]): void {
    for (const t of tokens.slice(1)) {
      for (const scope of scopes) assert.ok(t.scopes.includes(scope), `${JSON.stringify(t.text)} lacks ${scope}: ${t.scopes.join(' ')}`);
    }
  }

  test('plain port mapping with host IP, host port, container port and protocol', () => {
    const tokens = expectTokens('      - 127.0.0.1:8080:80/tcp', [PORTS], [
      ['-', ITEM],
      ['127.0.0.1', IP],
      [':', PORT_SEP],
      ['8080', HOST_PORT],
      [':', PORT_SEP],
      ['80', CONTAINER_PORT],
      ['/', PROTOCOL_SEP],
      ['tcp', PROTOCOL],
    ]);
    expectScalar(tokens, [PLAIN]);
  });

  test('plain HOST:CONTAINER port mapping', () => {
    const tokens = expectTokens('      - 8080:80', [PORTS], [
      ['-', ITEM],
      ['8080', HOST_PORT],
      [':', PORT_SEP],
      ['80', CONTAINER_PORT],
    ]);
    expectScalar(tokens, [PLAIN]);
  });

  test('double-quoted port ranges', () => {
    const tokens = expectTokens('      - "3000-3005:3000-3005"', [PORTS], [
      ['-', ITEM],
      ['"', STRING_BEGIN],
      ['3000', HOST_PORT],
      ['-', RANGE_SEP],
      ['3005', HOST_PORT],
      [':', PORT_SEP],
      ['3000', CONTAINER_PORT],
      ['-', RANGE_SEP],
      ['3005', CONTAINER_PORT],
      ['"', STRING_END],
    ]);
    expectScalar(tokens, [DOUBLE]);
    assert.ok(tokens[3].scopes.includes(HOST_PORT), 'the range dash is part of the host ports');
    assert.ok(tokens[7].scopes.includes(CONTAINER_PORT), 'the range dash is part of the container ports');
  });

  test('single-quoted IPv6 host address with protocol, followed by a comment', () => {
    const tokens = expectTokens("      - '[::1]:53:53/udp'  # DNS over IPv6", [PORTS], [
      ['-', ITEM],
      ["'", STRING_BEGIN],
      ['[', 'punctuation.definition.ip-address.begin.compose'],
      ['::1', IP],
      [']', 'punctuation.definition.ip-address.end.compose'],
      [':', PORT_SEP],
      ['53', HOST_PORT],
      [':', PORT_SEP],
      ['53', CONTAINER_PORT],
      ['/', PROTOCOL_SEP],
      ['udp', PROTOCOL],
      ["'", STRING_END],
      ['#', 'punctuation.definition.comment.yaml'],
      [' DNS over IPv6', 'comment.line.number-sign.yaml'],
    ]);
    expectScalar(tokens.slice(0, -2), [SINGLE]);
    for (const t of tokens.slice(2, 5)) assert.ok(t.scopes.includes(IP), `${t.text} is part of the host IP`);
  });

  test('bind mount of a relative host path with a mode', () => {
    const tokens = expectTokens('      - ./src:/app:ro', [VOLUMES], [
      ['-', ITEM],
      ['./src', HOST_PATH],
      [':', VOLUME_SEP],
      ['/app', CONTAINER_PATH],
      [':', VOLUME_SEP],
      ['ro', MODE],
    ]);
    expectScalar(tokens, [PLAIN]);
  });

  test('named volume', () => {
    const tokens = expectTokens('      - data:/var/lib/postgresql/data', [VOLUMES], [
      ['-', ITEM],
      ['data', NAMED_VOLUME],
      [':', VOLUME_SEP],
      ['/var/lib/postgresql/data', CONTAINER_PATH],
    ]);
    expectScalar(tokens, [PLAIN]);
  });

  test('double-quoted absolute host path with several modes', () => {
    const tokens = expectTokens('      - "/host/path:/container:rw,z"', [VOLUMES], [
      ['-', ITEM],
      ['"', STRING_BEGIN],
      ['/host/path', HOST_PATH],
      [':', VOLUME_SEP],
      ['/container', CONTAINER_PATH],
      [':', VOLUME_SEP],
      ['rw', MODE],
      [',', MODE_SEP],
      ['z', MODE],
      ['"', STRING_END],
    ]);
    expectScalar(tokens, [DOUBLE]);
  });

  test('container-only ports, anonymous volumes and ${VAR} interpolation', () => {
    expectTokens('    - "5432"', [PORTS], [
      ['-', ITEM],
      ['"', STRING_BEGIN],
      ['5432', CONTAINER_PORT],
      ['"', STRING_END],
    ]);
    const variable = expectTokens('    - ${DEBUG_PORT}', [PORTS], [
      ['-', ITEM],
      ['${DEBUG_PORT}', INTERPOLATION],
    ]);
    assert.ok(variable[1].scopes.includes(CONTAINER_PORT), variable[1].scopes.join(' '));
    expectTokens('    - /var/lib/postgresql/data', [VOLUMES], [
      ['-', ITEM],
      ['/var/lib/postgresql/data', CONTAINER_PATH],
    ]);
    expectTokens("    - '${DATA_DIR:-./data}:/srv:z'", [VOLUMES], [
      ['-', ITEM],
      ["'", STRING_BEGIN],
      ['${DATA_DIR:-./data}', INTERPOLATION],
      [':', VOLUME_SEP],
      ['/srv', CONTAINER_PATH],
      [':', VOLUME_SEP],
      ['z', MODE],
      ["'", STRING_END],
    ]);
    assert.ok(tokensOf("    - '${DATA_DIR:-./data}:/srv:z'")[2].scopes.includes(HOST_PATH));
  });

  test('an image reference is not taken for a port mapping', () => {
    for (const line of ['    image: nginx:1.25', '    image: postgres:16']) {
      const tokens = tokensOf(line);
      assert.ok(tokens.length > 0);
      for (const t of tokens) assert.ok(!t.scopes.some(isOurs), `${JSON.stringify(t.text)} in ${JSON.stringify(line)} got ${t.scopes.join(' ')}`);
      assert.equal(tokens.map((t) => t.text).join(''), line.replace(/\s/g, ''));
    }
    const image = tokensOf('    image: nginx:1.25');
    assert.ok(!image.some((t) => t.scopes.some((s) => s.startsWith('constant.numeric.port'))));
  });

  test('mapping-like strings outside ports:/volumes: and the long syntax keep their YAML scopes', () => {
    for (const line of ['      - "8080:80"', '    command: ["echo", "8080:80"]', '      - target: 5432', '        published: "5432"']) {
      for (const t of tokensOf(line)) assert.ok(!t.scopes.some(isOurs), `${JSON.stringify(t.text)} in ${JSON.stringify(line)} got ${t.scopes.join(' ')}`);
    }
  });

  test('outside the mapping items the injection changes nothing', () => {
    const changed: string[] = [];
    COMPOSE.forEach((line, i) => {
      if (withInjection[i].some((t) => t.scopes.some(isOurs))) changed.push(line);
      else assert.deepEqual(withInjection[i], yamlOnly[i], `line ${i + 1} ${JSON.stringify(line)}`);
    });
    assert.deepEqual(changed, [
      '      - 127.0.0.1:8080:80/tcp',
      '      - 8080:80',
      '      - "3000-3005:3000-3005"',
      "      - '[::1]:53:53/udp'  # DNS over IPv6",
      '      - ./src:/app:ro',
      '      - data:/var/lib/postgresql/data',
      '      - "/host/path:/container:rw,z"',
      '    - "5432"',
      '    - ${DEBUG_PORT}',
      '    - /var/lib/postgresql/data',
      "    - '${DATA_DIR:-./data}:/srv:z'",
    ]);
  });

  test('the grammar is contributed as an injection into YAML', () => {
    const pkg = JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8'));
    const entry = (pkg.contributes.grammars ?? []).find((g: { scopeName: string }) => g.scopeName === INJECTION_SCOPE);
    assert.ok(entry, 'package.json contributes the injection grammar');
    assert.deepEqual(entry.injectTo, ['source.yaml']);
    assert.equal(path.resolve(root, entry.path), INJECTION_PATH);
    assert.ok(existsSync(INJECTION_PATH));
    const grammar = JSON.parse(readFileSync(INJECTION_PATH, 'utf8'));
    assert.equal(grammar.scopeName, INJECTION_SCOPE);
    assert.match(grammar.injectionSelector, /^L:source\.yaml\b/);
  });

  test('the grammar file matches its generator', () => {
    const generated = execFileSync(process.execPath, [GENERATOR_PATH, '--stdout'], { encoding: 'utf8' });
    assert.equal(readFileSync(INJECTION_PATH, 'utf8'), generated, 'run: node syntaxes/build-compose-mappings.mjs');
  });
});
