/**
 * One analysis job as the worker thread runs it (src/compose/worker.ts), in plain data both ways: the text
 * (or a file to read), unsaved texts of sibling documents, the engine as data, and the severities in; the
 * diagnostics out. Also the size cap: a file over MAX_ANALYSED_BYTES is not analysed, and gets one diagnostic
 * saying so instead. The CLI applies the same cap.
 */
import { readFileSync, statSync } from 'node:fs';
import { analyze, type ComposeDiagnostic, type SeverityOverrides } from './analyze';
import { snapshotFromData, type EngineData } from './engineSnapshot';
import { modelOf, type ComposeModel } from './declarations';
import { parseCompose } from './parse';
import { loadProject, nodeFileHost, singleFileProject, type FileHost } from './project';

/** Files larger than this are not analysed (a Compose file is a few KB; 10 MB is already generated data). */
export const MAX_ANALYSED_BYTES = 10 * 1024 * 1024;

/** The code of the diagnostic a file too large to analyse gets. */
export const TOO_LARGE_CODE = 'file-too-large';
/** The code of the diagnostic a file gets when its analysis failed or was stopped (timeout, crash). */
export const ANALYSIS_FAILED_CODE = 'analysis-failed';

export interface AnalysisRequest {
  /** Absolute path of the file, when it is one (for the project, bind mounts, and reading it). */
  file?: string;
  /** The text to analyse; when absent, `file` is read from disk (with a size check first). */
  text?: string;
  /** Unsaved texts of open documents by absolute path: they take the place of the files on disk. */
  openTexts?: Record<string, string>;
  engine?: EngineData;
  severities?: SeverityOverrides;
  /** Whether the file system may be used (bind-source-missing, sibling files); false for untitled documents. */
  useFiles?: boolean;
}

export interface AnalysisResult {
  /** Undefined when the file could not be read (it is gone). */
  diagnostics?: ComposeDiagnostic[];
}

function mb(bytes: number): string {
  return (bytes / 1024 / 1024).toFixed(1);
}

/** The one diagnostic of a file over the size cap, at its first line. */
export function tooLargeDiagnostic(bytes: number): ComposeDiagnostic {
  return {
    code: TOO_LARGE_CODE, severity: 'warning', start: 0, end: 0,
    range: { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } }, fixes: [],
    message: `Not analysed: ${mb(bytes)} MB is over the ${mb(MAX_ANALYSED_BYTES)} MB limit for Compose files.`,
  };
}

/** The diagnostic of a file whose analysis failed or was stopped. */
export function failedDiagnostic(reason: string): ComposeDiagnostic {
  return {
    code: ANALYSIS_FAILED_CODE, severity: 'warning', start: 0, end: 0,
    range: { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } }, fixes: [],
    message: `The Compose analysis of this file ${reason}; other files are analysed as usual.`,
  };
}

/** UTF-8 size of a text without encoding it: exact for the cap's purpose. */
export function byteLength(text: string): number {
  return Buffer.byteLength(text, 'utf8');
}

/** The real file system, with unsaved editor texts first, and files over the cap treated as unreadable. */
export function cappedFileHost(openTexts: Record<string, string> = {}): FileHost {
  const open = (file: string) => Object.prototype.hasOwnProperty.call(openTexts, file);
  return {
    readFile(file) {
      if (open(file)) return openTexts[file];
      try {
        if (statSync(file).size > MAX_ANALYSED_BYTES) return undefined;
      } catch {
        return undefined;
      }
      return nodeFileHost.readFile(file);
    },
    readDir: (dir) => nodeFileHost.readDir(dir),
    exists: (file) => open(file) || nodeFileHost.exists(file),
  };
}

/** Runs one job. Never throws for a bad input (analyze() reports a failing rule); may throw for a bug. */
export function runAnalysis(request: AnalysisRequest): AnalysisResult {
  let text = request.text;
  if (text === undefined) {
    if (!request.file) return {};
    let size: number;
    try {
      size = statSync(request.file).size;
    } catch {
      return {};
    }
    if (size > MAX_ANALYSED_BYTES) return { diagnostics: [tooLargeDiagnostic(size)] };
    try {
      text = readFileSync(request.file, 'utf8');
    } catch {
      return {};
    }
  }
  const bytes = byteLength(text);
  if (bytes > MAX_ANALYSED_BYTES) return { diagnostics: [tooLargeDiagnostic(bytes)] };
  const model = modelOf(parseCompose(text));
  const host = request.useFiles && request.file ? cappedFileHost(request.openTexts) : undefined;
  const parsed = new Map<string, ComposeModel>();
  if (request.file) parsed.set(request.file, model);
  const project = host && request.file ? loadProject(request.file, host, process.env, parsed) : singleFileProject(model, '/', {});
  const engine = request.engine ? snapshotFromData(request.engine) : undefined;
  const analysis = analyze(model, { file: request.file, project, engine, host, severities: request.severities });
  return { diagnostics: analysis.diagnostics };
}
