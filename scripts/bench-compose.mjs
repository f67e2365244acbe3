// Benchmark of the Compose analysis (npm run bench:compose, after tsc): a generated 500-service Compose file
// (~11,500 lines), the median of a full in-process analysis, of the analysis after a one-character edit, and
// DCLint (npm dclint, in-process through its DCLinter API) on the same file in the same run. Then the
// workspace scan the Problems panel gets: every Compose file of the corpus (COMPOSE_CORPUS, default
// ../shared/corpus) read from disk and analysed with its project, as for files nobody opened, against DCLint on
// the same files.
//
//   node scripts/bench-compose.mjs [--services=500] [--runs=31] [--dclint-runs=5]
//   node scripts/bench-compose.mjs --huge     the ~10 MB file (20,000 services) analysed in the worker thread as the
//     editor does, with the longest stall of this (host) thread's event loop and the peak RSS, against the same
//     analysis in-process (the alternative: what the extension host did before the worker)
//   node scripts/bench-compose.mjs --huge-anchors     the same for a ~10 MB file whose services merge anchored
//     defaults (<<: *defaults), alias shared values and carry block scalars (| and >), against the yaml library's
//     reading of the same text (what such a file went through before the fast scanner read anchors and blocks)
//   node scripts/bench-compose.mjs --huge-json     the same for the services of --huge written as JSON
//   add --worker-only to print only the worker's figures (one line; for medians over several fresh processes)
import { existsSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import v8 from 'node:v8';
import vm from 'node:vm';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const require = createRequire(import.meta.url);
const arg = (name, fallback) => Number(process.argv.find((a) => a.startsWith(`--${name}=`))?.split('=')[1] ?? fallback);
const SERVICES = arg('services', 500);
const RUNS = arg('runs', 31);
const DCLINT_RUNS = arg('dclint-runs', 5);

const { analyzeText } = require(path.join(root, 'out/src/compose/analyze.js'));
const { parseCompose } = require(path.join(root, 'out/src/compose/parse.js'));
const { analyze } = require(path.join(root, 'out/src/compose/analyze.js'));
const { modelOf } = require(path.join(root, 'out/src/compose/declarations.js'));
const { isComposeFileName, loadProject, nodeFileHost, singleFileProject } = require(path.join(root, 'out/src/compose/project.js'));
const { LineIndex } = require(path.join(root, 'out/src/compose/parse.js'));
const { completions } = require(path.join(root, 'out/src/compose/editing/completion.js'));
const { inlayHints } = require(path.join(root, 'out/src/compose/editing/inlayHints.js'));
const { documentSymbols } = require(path.join(root, 'out/src/compose/editing/symbols.js'));
const { checkRename, projectOccurrences } = require(path.join(root, 'out/src/compose/editing/references.js'));
const { snapshotFromLists } = require(path.join(root, 'out/src/compose/engineSnapshot.js'));
const { DCLinter } = await import('dclint');

/** A tree of dependencies (no cycle): svc1 and svc2 depend on svc0, svc3 and svc4 on svc1... */
function dependsOn(i) {
  return i === 0 ? ['    depends_on: []'] : ['    depends_on:', `      - svc${Math.floor((i - 1) / 2)}`];
}

/** The generated services' lines with the networks and the 50 volumes they use, as the file's text. */
function withSections(lines) {
  lines.push('networks:', '  front: {}', '  back:', '    internal: true', 'volumes:');
  for (let v = 0; v < 50; v++) lines.push(`  data${v}: {}`);
  return `${lines.join('\n')}\n`;
}

/** A realistic service block (23 lines): image, ports, networks, volumes, depends_on, healthcheck, labels. */
export function generate(n) {
  const lines = ['name: bench', 'services:'];
  for (let i = 0; i < n; i++) {
    lines.push(
      `  svc${i}:`,
      `    image: "registry.example.com/team/app${i}:1.${i}"`,
      `    container_name: bench-svc${i}`,
      '    command: ["serve", "--port", "80"]',
      '    restart: unless-stopped',
      '    environment:',
      '      LOG_LEVEL: info',
      `      SERVICE_INDEX: "${i}"`,
      '    ports:',
      `      - "127.0.0.1:${20000 + i}:80"`,
      '    networks:',
      '      - front',
      '      - back',
      '    volumes:',
      `      - data${i % 50}:/var/lib/app`,
      `      - ./conf/app${i}.conf:/etc/app.conf:ro`,
      ...dependsOn(i),
      ...(i === 0 ? ['    stop_grace_period: 10s'] : []),
      '    healthcheck:',
      '      test: ["CMD", "true"]',
      '      interval: 10s',
      '    labels:',
      `      team: t${i % 7}`,
    );
  }
  return withSections(lines);
}

function median(samples) {
  const sorted = [...samples].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)];
}

function time(fn) {
  const started = performance.now();
  fn();
  return performance.now() - started;
}

/** The same services written as people write big files: merged defaults, aliases, block scalars (25 lines each). */
export function generateAnchored(n) {
  const lines = [
    'name: bench',
    'x-logging: &logging',
    '  driver: json-file',
    '  options:',
    '    max-size: 10m',
    'x-defaults: &defaults',
    '  restart: unless-stopped',
    '  logging: *logging',
    '  networks: &networks [front, back]',
    'services:',
  ];
  for (let i = 0; i < n; i++) {
    lines.push(
      `  svc${i}:`,
      '    <<: *defaults',
      `    image: "registry.example.com/team/app${i}:1.${i}"`,
      `    container_name: bench-svc${i}`,
      '    command: >',
      '      sh -c "exec app',
      '      --port 80"',
      '    environment:',
      '      LOG_LEVEL: info',
      `      SERVICE_INDEX: "${i}"`,
      '    ports:',
      `      - "127.0.0.1:${20000 + i}:80"`,
      '    volumes:',
      `      - data${i % 50}:/var/lib/app`,
      ...dependsOn(i),
      '    healthcheck:',
      '      test:',
      '        - CMD-SHELL',
      '        - |',
      '          curl -fsS http://localhost/health',
      '          test -f /tmp/ready',
      '      interval: 10s',
      '    labels:',
      `      team: t${i % 7}`,
    );
  }
  return withSections(lines);
}

/** The same services as a Compose file written as JSON (machine-made files are), two-space indented. */
export function generateJson(n) {
  const { toJS } = require(path.join(root, 'out/src/compose/parse.js'));
  return `${JSON.stringify(toJS(parseCompose(generate(n)).root), null, 2)}\n`;
}

const hugeKind = process.argv.includes('--huge-anchors') ? 'anchors' : process.argv.includes('--huge-json') ? 'json' : process.argv.includes('--huge') ? 'plain' : undefined;
if (hugeKind) {
  const { AnalysisWorker } = require(path.join(root, 'out/src/language/analysisWorker.js'));
  const { MAX_ANALYSED_BYTES } = require(path.join(root, 'out/src/compose/analysisMessages.js'));
  const make = { anchors: generateAnchored, json: generateJson, plain: generate }[hugeKind];
  let huge = make(20000);
  while (Buffer.byteLength(huge) > MAX_ANALYSED_BYTES) huge = make(Math.floor(20000 * MAX_ANALYSED_BYTES / Buffer.byteLength(huge)) - 10);
  /** Runs `work` while a 1 ms timer measures the longest gap between its ticks and samples the RSS. */
  const watched = async (work) => {
    let last = performance.now();
    let stall = 0;
    let rss = process.memoryUsage().rss;
    const ticker = setInterval(() => { const now = performance.now(); stall = Math.max(stall, now - last); last = now; rss = Math.max(rss, process.memoryUsage().rss); }, 1);
    const started = performance.now();
    const result = await work();
    const ms = performance.now() - started;
    clearInterval(ticker);
    stall = Math.max(stall, performance.now() - last);
    return { ms, stall, rss: Math.max(rss, process.memoryUsage().rss), result };
  };
  const worker = new AnalysisWorker();
  await worker.analyze('warm-up', { text: generate(50) });
  // What this process holds before the analysis: the 10 MB text, and the heap its generation grew to, collected
  // first (the JSON and anchored files are generated through a parse).
  v8.setFlagsFromString('--expose-gc');
  vm.runInNewContext('gc')();
  const before = process.memoryUsage().rss;
  const inWorker = await watched(() => worker.analyze('huge', { text: huge }));
  worker.dispose();
  const mb = (n) => (n / 1024 / 1024).toFixed(0);
  if (process.argv.includes('--worker-only')) {
    // One figure per process, for medians over several fresh processes (the alternatives are measured separately).
    console.log(`${hugeKind}: in the worker ${inWorker.ms.toFixed(0)} ms, stall ${inWorker.stall.toFixed(0)} ms, peak RSS ${mb(inWorker.rss)} MB, load ${os.loadavg()[0].toFixed(1)}`);
    process.exit(0);
  }
  const inProcess = await watched(async () => analyzeText(huge));
  console.log(`\n${{ anchors: 'anchors, merge keys and block scalars: ', json: 'written as JSON: ', plain: '' }[hugeKind]}${(Buffer.byteLength(huge) / 1024 / 1024).toFixed(2)} MB, ${huge.split('\n').length - 1} lines, read by the ${parseCompose(huge).parser === 'fast' ? 'fast scanner' : 'yaml library'}; node ${process.version}; load average ${os.loadavg()[0].toFixed(1)} on ${os.cpus().length} cpus`);
  console.log(`in the worker:   ${inWorker.ms.toFixed(0)} ms, ${inWorker.result.diagnostics.length} diagnostics; longest event-loop stall of the host thread ${inWorker.stall.toFixed(0)} ms; peak RSS ${mb(inWorker.rss)} MB (host + worker), ${mb(inWorker.rss - before)} MB above the ${mb(before)} MB before the analysis`);
  console.log(`in-process:      ${inProcess.ms.toFixed(0)} ms; longest event-loop stall ${inProcess.stall.toFixed(0)} ms; peak RSS ${mb(inProcess.rss)} MB`);
  if (hugeKind !== 'plain') {
    const { parseWithYaml } = require(path.join(root, 'out/src/compose/parse.js'));
    const yamlRead = time(() => parseWithYaml(huge));
    console.log(`the yaml library's reading of the same text alone (the path such files took before): ${yamlRead.toFixed(0)} ms, ${(yamlRead / inWorker.ms).toFixed(1)}x the whole analysis in the worker`);
  }
  process.exit(0);
}

const text = generate(SERVICES);
const lineCount = text.split('\n').length - 1;
const dir = mkdtempSync(path.join(os.tmpdir(), 'bench-compose-'));
const file = path.join(dir, 'compose.yaml');
writeFileSync(file, text);

try {
  // Warm-up: compiles the schema validator and lets V8 optimise.
  for (let i = 0; i < 5; i++) analyzeText(text);
  const first = analyzeText(text);
  const errors = first.diagnostics.filter((d) => d.severity === 'error');
  if (errors.length) throw new Error(`the generated file should be clean, got ${errors.length} errors: ${errors[0].message}`);
  const parser = parseCompose(text).parser;

  const full = Array.from({ length: RUNS }, () => time(() => analyzeText(text)));

  // A one-character edit in the middle of the file (a different digit each run), then the whole analysis again,
  // as the editor does after its debounce.
  const at = text.indexOf(`"127.0.0.1:${20000 + Math.floor(SERVICES / 2)}:80"`) + '"127.0.0.1:2'.length;
  const edited = Array.from({ length: RUNS }, (_, i) => {
    const changed = text.slice(0, at) + String((i % 9) + 1) + text.slice(at + 1);
    return time(() => analyzeText(changed));
  });

  const linter = new DCLinter({ rules: {}, quiet: true, debug: false, exclude: [] });
  linter.lintFiles([file], false); // warm-up
  const dclint = Array.from({ length: DCLINT_RUNS }, () => time(() => linter.lintFiles([file], false)));

  const ours = median(full);
  const oursEdit = median(edited);
  const theirs = median(dclint);
  const row = (a, b, c) => `| ${a.padEnd(44)} | ${b.padStart(12)} | ${c.padStart(8)} |`;
  console.log(`\n${SERVICES} services, ${lineCount} lines, ${(text.length / 1024).toFixed(0)} KiB; parser: ${parser}; node ${process.version}; ${os.cpus().length} × ${os.cpus()[0]?.model ?? 'cpu'}`);
  console.log(row('run', 'median (ms)', 'runs'));
  console.log(row('-'.repeat(44), '-'.repeat(12), '-'.repeat(8)));
  console.log(row('full analysis (parse + 25 rules + schema)', ours.toFixed(1), String(RUNS)));
  console.log(row('after a one-character edit', oursEdit.toFixed(1), String(RUNS)));
  console.log(row('DCLint 3 lintFiles (same file, in-process)', theirs.toFixed(1), String(DCLINT_RUNS)));
  console.log(`\nDCLint / full analysis: ${(theirs / ours).toFixed(0)}x; DCLint / after an edit: ${(theirs / oursEdit).toFixed(0)}x`);

  // ---- editing: what the providers do per request on the same file, from the analysis the editor already has
  // (its model and project); completion gets the current text as typed (a line index, no parse).
  const model = modelOf(parseCompose(text));
  const project = singleFileProject(model, dir);
  const engine = snapshotFromLists(
    Array.from({ length: 200 }, (_, i) => ({ Id: `n${i}`, Name: `live-net-${i}`, Driver: 'bridge', Scope: 'local', IPAM: { Config: [{ Subnet: `10.${i}.0.0/16` }] } })),
    Array.from({ length: 200 }, (_, i) => ({ Name: `live-vol-${i}`, Driver: 'local', Mountpoint: `/v/${i}` })),
    [], false,
  );
  // Cursors near the end of the file (the longest walk up to the parent keys): a new service key, an enum value,
  // a depends_on item (500 names), a new top-level network (engine names), an ipam subnet (free-subnet search).
  const tail = text.indexOf('networks:\n  front: {}');
  const cases = [
    ['service key (schema keys)', text.slice(0, tail) + '    re\n' + text.slice(tail), tail + 6],
    ['enum value (restart)', text.slice(0, tail) + '    restart: \n' + text.slice(tail), tail + 13],
    ['depends_on item (project services)', text.slice(0, tail) + '    depends_on:\n      - \n' + text.slice(tail), tail + 24],
    ['top-level network (engine networks)', `${text}  \n`, text.length + 2],
    ['ipam subnet (free subnet)', `${text.replace('networks:\n  front: {}', 'networks:\n  front:\n    ipam:\n      config:\n        - subnet: ')}`, -1],
  ];
  const editRows = [];
  for (const [what, edited, at] of cases) {
    const offset = at >= 0 ? at : edited.indexOf('- subnet: ') + '- subnet: '.length;
    const run = () => completions({ text: edited, lines: new LineIndex(edited), project, offset, engine });
    const count = run().length;
    if (count === 0) throw new Error(`no completion for ${what}`);
    for (let i = 0; i < 5; i++) run();
    editRows.push([`completion: ${what}, ${count} items`, median(Array.from({ length: RUNS }, () => time(run)))]);
  }
  const visibleEnd = model.parsed.lines.lineStart(Math.floor(lineCount / 2) + 60);
  const visibleStart = model.parsed.lines.lineStart(Math.floor(lineCount / 2));
  editRows.push(['inlay hints, 60 visible lines', median(Array.from({ length: RUNS }, () => time(() => inlayHints(model, project, { start: visibleStart, end: visibleEnd, engine }))))]);
  editRows.push([`inlay hints, whole file (${inlayHints(model, project, { engine }).length} hints)`, median(Array.from({ length: RUNS }, () => time(() => inlayHints(model, project, { engine }))))]);
  // What the hints and the outline stand on: the document's model, parsed once per version and shared with the
  // lenses, hovers and quick fixes (completion does without it).
  editRows.push(['(the model of a new version: parse, shared)', median(Array.from({ length: RUNS }, () => time(() => modelOf(parseCompose(text)))))]);
  editRows.push(['outline (document symbols)', median(Array.from({ length: RUNS }, () => time(() => documentSymbols(model))))]);
  const front = text.indexOf('  front: {}') + 3;
  editRows.push(['rename check + references of a network (1,000 refs)', median(Array.from({ length: RUNS }, () => time(() => { checkRename(project, model, front, engine); projectOccurrences(project, 'network', 'front'); })))]);
  console.log(`\nEditing on the same file (${RUNS} runs each; the engine has 200 networks and 200 volumes)`);
  const wide = (a, b, c) => `| ${a.padEnd(62)} | ${b.padStart(11)} | ${c.padStart(4)} |`;
  console.log(wide('request', 'median (ms)', 'runs'));
  console.log(wide('-'.repeat(62), '-'.repeat(11), '-'.repeat(4)));
  for (const [what, ms] of editRows) console.log(wide(what, ms.toFixed(2), String(RUNS)));

  // ---- the workspace scan: every Compose file of the corpus from disk, with its project, as for unopened files
  const corpus = process.env.COMPOSE_CORPUS || path.join(root, '..', 'shared', 'corpus');
  if (existsSync(corpus)) {
    const files = [];
    const walk = (d) => { for (const e of readdirSync(d, { withFileTypes: true })) { const p = path.join(d, e.name); if (e.isDirectory() && e.name !== 'node_modules') walk(p); else if (e.isFile() && isComposeFileName(e.name)) files.push(p); } };
    walk(corpus);
    const scan = () => {
      let slowest = 0;
      let diagnostics = 0;
      for (const f of files) {
        const started = performance.now();
        const project = loadProject(f, nodeFileHost, process.env);
        diagnostics += analyze(modelOf(parseCompose(nodeFileHost.readFile(f))), { file: f, project, host: nodeFileHost }).diagnostics.length;
        slowest = Math.max(slowest, performance.now() - started);
      }
      return { slowest, diagnostics };
    };
    scan(); // warm-up
    let last;
    const scans = Array.from({ length: RUNS }, () => time(() => { last = scan(); }));
    linter.lintFiles(files, false); // warm-up
    const dclintScans = Array.from({ length: DCLINT_RUNS }, () => time(() => linter.lintFiles(files, false)));
    const lines = files.reduce((n, f) => n + nodeFileHost.readFile(f).split('\n').length, 0);
    console.log(`\nWorkspace scan: ${files.length} Compose files of ${path.relative(root, corpus) || corpus} (${lines} lines), read from disk with their projects`);
    console.log(row('run', 'median (ms)', 'runs'));
    console.log(row('-'.repeat(44), '-'.repeat(12), '-'.repeat(8)));
    console.log(row(`all ${files.length} files (${last.diagnostics} diagnostics)`, median(scans).toFixed(1), String(RUNS)));
    console.log(row('slowest single file', last.slowest.toFixed(1), '1'));
    console.log(row(`DCLint 3 lintFiles (same ${files.length} files)`, median(dclintScans).toFixed(1), String(DCLINT_RUNS)));
    console.log(`\nDCLint / workspace scan: ${(median(dclintScans) / median(scans)).toFixed(0)}x`);
  } else {
    console.log(`\n(no corpus at ${corpus}: workspace scan not measured)`);
  }
} finally {
  rmSync(dir, { recursive: true, force: true });
}
