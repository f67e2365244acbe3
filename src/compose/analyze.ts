/**
 * The analysis: every rule over one parsed file in the context of its project (and, when given, a live
 * engine and the file system). Pure apart from what the optional hosts answer; fast; never throws on any
 * input (a rule that fails is reported as an internal problem, not as a crash).
 */
import type { EngineSnapshot } from './engineSnapshot';
import type { ComposeModel } from './declarations';
import { modelOf } from './declarations';
import { parseCompose, type Range } from './parse';
import { interpolate, singleFileProject, type ComposeProject, type FileHost } from './project';
import { RULES } from './rules';
import type { Fix, Finding, RuleContext, Severity } from './rules/rule';

export type SeverityOverrides = Readonly<Record<string, Severity | 'off' | undefined>>;

export interface ComposeDiagnostic {
  /** The rule id: the diagnostic's `code`. */
  code: string;
  severity: Severity;
  message: string;
  start: number;
  end: number;
  range: Range;
  fixes: Fix[];
}

export interface AnalyzeOptions {
  /** Absolute path of the file (for the project, relative bind mounts). */
  file?: string;
  /** The project the file belongs to (see loadProject); a project of this file alone otherwise. */
  project?: ComposeProject;
  /** A live engine: enables the engine rules. */
  engine?: EngineSnapshot;
  /** The file system: enables bind-source-missing. */
  host?: FileHost;
  /** Rule id → severity or "off". */
  severities?: SeverityOverrides;
}

export interface Analysis {
  model: ComposeModel;
  project: ComposeProject;
  diagnostics: ComposeDiagnostic[];
}

export function analyzeText(text: string, options: AnalyzeOptions = {}): Analysis {
  return analyze(modelOf(parseCompose(text)), options);
}

export function analyze(model: ComposeModel, options: AnalyzeOptions = {}): Analysis {
  const project = options.project ?? singleFileProject(model);
  const diagnostics: ComposeDiagnostic[] = [];
  const seen = new Set<string>();
  const env = project.env;
  const lines = model.parsed.lines;
  // One function for the whole analysis: rules share work cached by it (the parsed ports).
  const resolve = (text: string) => interpolate(text, env);
  // Most checks are compose-go's on the merged project, where later files' !reset and !override have removed
  // values of this file; the perFile ones are made while the file is loaded alone.
  const merged = project.files.find((f) => f.model.parsed === model.parsed)?.merged ?? model;
  for (const rule of RULES) {
    const configured = options.severities?.[rule.id];
    if (configured === 'off') continue;
    if (rule.needsEngine && !options.engine) continue;
    if (rule.needsFiles && !options.host) continue;
    const severity = configured ?? rule.defaultSeverity;
    const ctx: RuleContext = {
      model: rule.perFile ? model : merged, project, file: options.file, engine: options.engine, host: options.host,
      resolve,
      report: (f: Finding) => {
        // An anchor used twice reports the same problem at the same place twice.
        const key = `${rule.id}:${f.start}:${f.end}:${f.message}`;
        if (seen.has(key)) return;
        seen.add(key);
        diagnostics.push({ code: rule.id, severity, message: f.message, start: f.start, end: f.end, range: lines.range(f.start, f.end), fixes: f.fixes ?? [] });
      },
    };
    try {
      rule.check(ctx);
    } catch (e) {
      const error = e instanceof Error ? e.message : String(e);
      diagnostics.push({
        code: rule.id, severity: 'warning', start: 0, end: 0, range: lines.range(0, 0), fixes: [],
        message: `The ${rule.id} check failed on this file (${error}); please report it.`,
      });
    }
  }
  diagnostics.sort((a, b) => a.start - b.start || a.end - b.end);
  return { model, project, diagnostics };
}
