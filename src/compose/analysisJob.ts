/**
 * One analysis job as the worker thread runs it (src/compose/worker.ts): the request and result of
 * analysisMessages.ts in and out. A file over MAX_ANALYSED_BYTES is not analysed, and gets one diagnostic saying
 * so instead. The CLI applies the same cap.
 */
import { readFileSync, statSync } from 'node:fs';
import { analyze } from './analyze';
import { byteLength, MAX_ANALYSED_BYTES, tooLargeDiagnostic, type AnalysisRequest, type AnalysisResult } from './analysisMessages';
import { snapshotFromData } from './engineSnapshot';
import { modelOf, type ComposeModel } from './declarations';
import { parseCompose } from './parse';
import { loadProject, nodeFileHost, singleFileProject, type FileHost } from './project';

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
