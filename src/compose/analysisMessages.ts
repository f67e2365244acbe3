/**
 * What the extension host and the analysis worker say to each other, in plain data: the request (the text or a
 * file to read, unsaved texts of sibling documents, the engine as data, the severities), the result (the
 * diagnostics), and the size cap with the diagnostics that stand in for an analysis (too large, failed). Kept apart
 * from the analysis itself (analysisJob.ts), so that the extension host's bundle, which only sends and receives,
 * does not carry the rules, the schema and its validator.
 */
import type { ComposeDiagnostic, SeverityOverrides } from './analyze';
import type { EngineData } from './engineSnapshot';

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
