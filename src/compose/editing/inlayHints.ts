/**
 * Inlay hints: the engine name a declared network or volume gets (`<project>_backend`, with its subnet when
 * the engine has it), what a `${VAR}` interpolates to and where the value comes from, and a published host port
 * that a running container of another project already holds.
 */
import type { EngineSnapshot } from '../engineSnapshot';
import { parsePortString, type Protocol } from '../mappings';
import type { ComposeModel } from '../declarations';
import { child, scalarText } from '../parse';
import { interpolate, type ComposeProject } from '../project';

export interface InlayHint {
  /** Where the hint is shown (after this offset). */
  offset: number;
  label: string;
  tooltip?: string;
}

export interface HintOptions {
  /** Only hints in [start, end) (the visible range). */
  start?: number;
  end?: number;
  engine?: EngineSnapshot;
  /** The process environment the project's env was built from: tells `environment` from `.env`. */
  processEnv?: Readonly<Record<string, string | undefined>>;
}

const VAR_RE = /\$(?:\$|\{([A-Za-z_][A-Za-z0-9_]*)(?:(:?[-?+])((?:[^{}]|\{[^{}]*\})*))?\}|([A-Za-z_][A-Za-z0-9_]*))/g;
const MAX_VALUE = 40;

export function inlayHints(model: ComposeModel, project: ComposeProject, options: HintOptions = {}): InlayHint[] {
  const start = options.start ?? 0;
  const end = options.end ?? model.parsed.text.length;
  const out: InlayHint[] = [];
  for (const section of ['networks', 'volumes'] as const) {
    for (const d of model.resources[section]) {
      if (d.keyEnd < start || d.keyStart > end) continue;
      const engineName = project.engineName(section, d.name);
      let label = `→ ${engineName}`;
      let tooltip = d.external ? 'External: used as it is, never created by docker compose.' : d.explicitName ? 'The name given by `name:`.' : `The name docker compose gives it: the project name "${project.name}", "_" and the key.`;
      if (options.engine && section === 'networks') {
        const live = options.engine.networkByName(engineName);
        const subnet = live?.subnets.find((s) => s.subnet)?.subnet;
        if (subnet) { label += ` · ${subnet}`; tooltip += ` On the engine: subnet ${subnet}.`; }
      }
      out.push({ offset: d.keyEnd + 1, label, tooltip });
    }
  }
  if (options.engine?.publishedPorts) portHints(model, project, options.engine, start, end, out);
  const text = model.parsed.text;
  const from = Math.max(0, start);
  const slice = text.slice(from, Math.min(text.length, end));
  if (slice.includes('$')) {
    const env = project.env;
    const processEnv = options.processEnv ?? {};
    VAR_RE.lastIndex = 0;
    for (let m = VAR_RE.exec(slice); m; m = VAR_RE.exec(slice)) {
      if (m[0] === '$$') continue;
      const at = from + m.index;
      if (isInComment(text, at)) continue;
      const name = m[1] ?? m[4];
      const value = env[name];
      const op = m[2];
      let shown: string;
      let source: string;
      if (value !== undefined && !(op?.startsWith(':') && value === '' && op !== ':?')) {
        shown = value;
        source = processEnv[name] === value ? 'environment' : '.env';
        if (op === ':+' || op === '+') { shown = m[3] ?? ''; source = `${source}, set`; }
      } else if (op === ':-' || op === '-') {
        shown = m[3] ?? '';
        source = 'default';
      } else if (op === ':?' || op === '?') {
        shown = '';
        source = 'unset: docker compose stops with an error';
      } else {
        shown = '';
        source = 'unset';
      }
      const clipped = shown.length > MAX_VALUE ? `${shown.slice(0, MAX_VALUE - 1)}…` : shown;
      out.push({ offset: at + m[0].length, label: `= ${JSON.stringify(clipped)} (${source})`, tooltip: `${name} is ${value === undefined ? 'not set' : `set in ${source.split(',')[0]}`}` });
    }
  }
  return out.sort((a, b) => a.offset - b.offset);
}

/** `⚠ in use by <container>` after a host port a running container outside this project publishes. */
function portHints(model: ComposeModel, project: ComposeProject, engine: EngineSnapshot, start: number, end: number, out: InlayHint[]): void {
  const published = engine.publishedPorts?.() ?? [];
  if (published.length === 0) return;
  for (const s of model.services) {
    for (const item of s.ports) {
      if (item.end < start || item.start > end) continue;
      let host: { start: number; end: number } | undefined;
      let protocol: Protocol = 'tcp';
      if (item.kind === 'scalar') {
        const raw = scalarText(item);
        const resolved = raw === undefined ? undefined : interpolate(raw, project.env);
        const parsed = resolved === undefined ? undefined : parsePortString(resolved);
        if (!parsed?.ok || !parsed.mapping.host) continue;
        host = parsed.mapping.host;
        protocol = parsed.mapping.protocol;
      } else {
        const raw = scalarText(child(item, 'published'));
        const n = raw === undefined ? NaN : Number(interpolate(raw, project.env));
        if (!Number.isInteger(n)) continue;
        host = { start: n, end: n };
        protocol = (scalarText(child(item, 'protocol')) ?? 'tcp') as Protocol;
      }
      const holder = published.find((p) => p.protocol === protocol && p.port >= host.start && p.port <= host.end && p.container.project !== project.name);
      if (holder) {
        out.push({ offset: item.end, label: `⚠ ${holder.port} in use by ${holder.container.name}`, tooltip: `A running container (${holder.container.name}) publishes host port ${holder.port}/${protocol}: docker compose up would fail to bind it.` });
      }
    }
  }
}

/** Whether `offset` is after a `#` that starts a comment on its line. */
function isInComment(text: string, offset: number): boolean {
  const lineStart = text.lastIndexOf('\n', offset - 1) + 1;
  return /(?:^|\s)#/.test(text.slice(lineStart, offset));
}
