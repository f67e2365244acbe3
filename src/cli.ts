/**
 * docker-compose-check: the editor's Compose analysis on the command line, for CI pipelines.
 *
 *   docker-compose-check check [files…] [-f file…] [--format text|json|sarif] [--engine]
 *
 * Without files it checks the Compose files of the current folder. Files named with -f are one project, in that
 * order, as `docker compose -f a -f b` reads them. Exit status: 0 when no diagnostic is an
 * error, 1 when one is, 2 on a usage or engine problem.
 */
import { readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { byteLength, MAX_ANALYSED_BYTES, tooLargeDiagnostic } from './compose/analysisMessages';
import { analyze, type ComposeDiagnostic } from './compose/analyze';
import { snapshotFromLists, type EngineSnapshot } from './compose/engineSnapshot';
import { modelOf, type ComposeModel } from './compose/declarations';
import { parseCompose } from './compose/parse';
import { BASE_FILE_NAMES, isComposeFileName, loadProject, nodeFileHost, type FileHost } from './compose/project';
import { RULES } from './compose/rules';
import { EngineClient } from './engine/client';
import { resolveEndpoint } from './engine/connection';

type Format = 'text' | 'json' | 'sarif';

const USAGE = `Usage: docker-compose-check check [files…] [-f file…] [--format text|json|sarif] [--engine]

Checks Compose files with the rules of the Docker Networks & Volumes extension.
  files       Compose files, each in its folder's project as docker compose finds it: the base file and its
              override, or the base file and an overlay such as compose.prod.yaml
              (default: the Compose files of the current folder)
  -f, --file  one project of these files, in this order, as docker compose -f a -f b reads them (repeat it)
  --format    text (default), json or sarif
  --engine    also check against the Docker engine (DOCKER_HOST, the current context, or the default socket):
              ports in use, subnets overlapping live networks, missing external networks and volumes, Swarm
Exit status: 0 no errors, 1 errors found, 2 usage or engine problem.`;

interface FileResult {
  file: string;
  diagnostics: ComposeDiagnostic[];
}

interface Options {
  files: string[];
  /** The -f files: one project. */
  project: string[];
  format: Format;
  engine: boolean;
}

function parseArgs(argv: string[]): Options | string {
  const [command, ...rest] = argv;
  if (command === '--help' || command === '-h' || command === 'help') return USAGE;
  if (command !== 'check') return `Unknown command "${command ?? ''}".\n\n${USAGE}`;
  const options: Options = { files: [], project: [], format: 'text', engine: false };
  for (let i = 0; i < rest.length; i++) {
    const a = rest[i];
    if (a === '--engine') options.engine = true;
    else if (a === '-f' || a === '--file' || a.startsWith('--file=')) {
      const value = a.includes('=') ? a.slice('--file='.length) : rest[++i];
      if (!value) return `${a} needs a file.\n\n${USAGE}`;
      options.project.push(value);
    }
    else if (a === '--format' || a.startsWith('--format=')) {
      const value = a.includes('=') ? a.slice('--format='.length) : rest[++i];
      if (value !== 'text' && value !== 'json' && value !== 'sarif') return `--format must be text, json or sarif, not "${value ?? ''}".`;
      options.format = value;
    } else if (a === '--help' || a === '-h') return USAGE;
    else if (a.startsWith('-')) return `Unknown option "${a}".\n\n${USAGE}`;
    else options.files.push(a);
  }
  return options;
}

/** The Compose files of a folder: base files and their override/variant files. */
function composeFilesIn(dir: string): string[] {
  return readdirSync(dir)
    .filter((f) => isComposeFileName(f) && statSync(path.join(dir, f)).isFile())
    .sort((a, b) => {
      const ia = BASE_FILE_NAMES.indexOf(a);
      const ib = BASE_FILE_NAMES.indexOf(b);
      return (ia === -1 ? 99 : ia) - (ib === -1 ? 99 : ib) || a.localeCompare(b);
    })
    .map((f) => path.join(dir, f));
}

async function engineSnapshot(): Promise<EngineSnapshot> {
  const client = new EngineClient(resolveEndpoint());
  try {
    await client.negotiate();
    const [networks, volumes, containers] = await Promise.all([client.listNetworks(), client.listVolumes(), client.listContainers()]);
    let swarm: boolean | undefined;
    try {
      const info = await client.info();
      swarm = info.Swarm?.LocalNodeState === 'active';
    } catch {
      swarm = undefined; // the rule then judges by the ingress network
    }
    return snapshotFromLists(networks, volumes, containers, swarm);
  } finally {
    client.close(); // an ssh:// engine's connection would keep the process from exiting
  }
}

export function checkFiles(files: string[], engine: EngineSnapshot | undefined, host: FileHost = nodeFileHost, env: Record<string, string | undefined> = process.env): FileResult[] {
  return files.map((given) => checkProjectFiles([given], engine, host, env, false)[0]);
}

/**
 * Checks `given` files: each in its folder's project (`asOneProject` false), or all of them as one project in
 * this order (`docker compose -f a -f b`).
 */
export function checkProjectFiles(given: string[], engine: EngineSnapshot | undefined, host: FileHost = nodeFileHost, env: Record<string, string | undefined> = process.env, asOneProject = true): FileResult[] {
  const files = given.map((f) => path.resolve(f));
  const models = new Map<string, ComposeModel>();
  const early = new Map<string, FileResult>();
  for (const [i, file] of files.entries()) {
    const result = readModel(file, given[i], host, models);
    if (result) early.set(file, result);
  }
  return files.map((file, i) => {
    const stopped = early.get(file);
    if (stopped) return stopped;
    try {
      const model = models.get(file)!;
      const project = loadProject(file, host, env, models, asOneProject ? files : undefined);
      return { file: given[i], diagnostics: analyze(model, { file, project, engine, host }).diagnostics };
    } catch (e) {
      return { file: given[i], diagnostics: [checkerFailed(e)] };
    }
  });
}

/** Parses one file into `models`; a result instead when it is not analysed (missing, too large, unreadable). */
function readModel(file: string, given: string, host: FileHost, models: Map<string, ComposeModel>): FileResult | undefined {
  // The editor's size cap: a file over it is not read whole, let alone analysed.
  let size: number | undefined;
  try { size = host === nodeFileHost ? statSync(file).size : undefined; } catch { size = undefined; }
  if (size !== undefined && size > MAX_ANALYSED_BYTES) return { file: given, diagnostics: [tooLargeDiagnostic(size)] };
  const text = host.readFile(file);
  if (text === undefined) return { file: given, diagnostics: [atStart('yaml-syntax', 'File not found or not readable.')] };
  if (byteLength(text) > MAX_ANALYSED_BYTES) return { file: given, diagnostics: [tooLargeDiagnostic(byteLength(text))] };
  try {
    models.set(file, modelOf(parseCompose(text)));
    return undefined;
  } catch (e) {
    return { file: given, diagnostics: [checkerFailed(e)] };
  }
}

/** One file that breaks the checker must not stop the others (nor print a stack trace for CI to parse). */
function checkerFailed(e: unknown): ComposeDiagnostic {
  return atStart('yaml-syntax', `The checker failed on this file (${e instanceof Error ? e.message : String(e)}); please report it.`);
}

function atStart(code: string, message: string): ComposeDiagnostic {
  return { code, severity: 'error', message, start: 0, end: 0, range: { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } }, fixes: [] };
}

function formatText(results: FileResult[]): string {
  const lines: string[] = [];
  let errors = 0;
  let warnings = 0;
  for (const r of results) {
    for (const d of r.diagnostics) {
      if (d.severity === 'error') errors++;
      else if (d.severity === 'warning') warnings++;
      lines.push(`${r.file}:${d.range.start.line + 1}:${d.range.start.character + 1}: ${d.severity} [${d.code}] ${d.message}`);
    }
  }
  lines.push(`${results.length} file${results.length === 1 ? '' : 's'} checked: ${errors} error${errors === 1 ? '' : 's'}, ${warnings} warning${warnings === 1 ? '' : 's'}`);
  return lines.join('\n');
}

function formatJson(results: FileResult[]): string {
  return JSON.stringify(results.map((r) => ({
    file: r.file,
    diagnostics: r.diagnostics.map((d) => ({
      rule: d.code, severity: d.severity, message: d.message,
      line: d.range.start.line + 1, column: d.range.start.character + 1,
      endLine: d.range.end.line + 1, endColumn: d.range.end.character + 1,
    })),
  })), null, 2);
}

function formatSarif(results: FileResult[]): string {
  const level = (s: string) => (s === 'error' ? 'error' : s === 'warning' ? 'warning' : 'note');
  return JSON.stringify({
    $schema: 'https://json.schemastore.org/sarif-2.1.0.json',
    version: '2.1.0',
    runs: [{
      tool: {
        driver: {
          name: 'docker-compose-check',
          rules: RULES.map((r) => ({ id: r.id, shortDescription: { text: r.description }, defaultConfiguration: { level: level(r.defaultSeverity) } })),
        },
      },
      results: results.flatMap((r) => r.diagnostics.map((d) => ({
        ruleId: d.code,
        level: level(d.severity),
        message: { text: d.message },
        locations: [{
          physicalLocation: {
            artifactLocation: { uri: r.file.split(path.sep).join('/') },
            region: { startLine: d.range.start.line + 1, startColumn: d.range.start.character + 1, endLine: d.range.end.line + 1, endColumn: d.range.end.character + 1 },
          },
        }],
      }))),
    }],
  }, null, 2);
}

export async function main(argv: string[]): Promise<number> {
  const options = parseArgs(argv);
  if (typeof options === 'string') {
    const isHelp = options === USAGE;
    (isHelp ? process.stdout : process.stderr).write(`${options}\n`);
    return isHelp ? 0 : 2;
  }
  const files = options.files.length || options.project.length ? options.files : composeFilesIn(process.cwd());
  if (files.length === 0 && options.project.length === 0) {
    process.stderr.write('No Compose files here (compose.yaml, docker-compose.yml...): name the files to check.\n');
    return 2;
  }
  let engine: EngineSnapshot | undefined;
  if (options.engine) {
    try {
      engine = await engineSnapshot();
    } catch (e) {
      process.stderr.write(`--engine: ${e instanceof Error ? e.message : String(e)}\n`);
      return 2;
    }
  }
  const results = [...checkProjectFiles(options.project, engine), ...checkFiles(files, engine)];
  const out = options.format === 'json' ? formatJson(results) : options.format === 'sarif' ? formatSarif(results) : formatText(results);
  process.stdout.write(`${out}\n`);
  return results.some((r) => r.diagnostics.some((d) => d.severity === 'error')) ? 1 : 0;
}

if (require.main === module) {
  main(process.argv.slice(2)).then((code) => { process.exitCode = code; }, (e) => {
    process.stderr.write(`${e instanceof Error ? e.stack ?? e.message : String(e)}\n`);
    process.exitCode = 2;
  });
}
