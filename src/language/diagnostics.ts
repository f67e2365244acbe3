/**
 * Publishes the analysis as diagnostics: debounced while typing, and cancelled when the document changes
 * again before an analysis finished. Each diagnostic carries its rule id as `code` and `compose` as source.
 */
import * as vscode from 'vscode';
import type { ComposeDiagnostic } from '../compose/analyze';
import type { ComposeDocuments } from './documents';
import { toRange } from './ranges';

export const DIAGNOSTIC_SOURCE = 'compose';
const TYPING_DELAY_MS = 200;

const SEVERITY: Record<ComposeDiagnostic['severity'], vscode.DiagnosticSeverity> = {
  error: vscode.DiagnosticSeverity.Error,
  warning: vscode.DiagnosticSeverity.Warning,
  info: vscode.DiagnosticSeverity.Information,
  hint: vscode.DiagnosticSeverity.Hint,
};

export function toDiagnostic(d: ComposeDiagnostic): vscode.Diagnostic {
  const diagnostic = new vscode.Diagnostic(toRange(d.range), d.message, SEVERITY[d.severity]);
  diagnostic.code = d.code;
  diagnostic.source = DIAGNOSTIC_SOURCE;
  if (d.code === 'unused-network' || d.code === 'unused-volume') diagnostic.tags = [vscode.DiagnosticTag.Unnecessary];
  if (d.code === 'obsolete-version') diagnostic.tags = [vscode.DiagnosticTag.Deprecated];
  return diagnostic;
}

export class DiagnosticsController implements vscode.Disposable {
  private readonly collection = vscode.languages.createDiagnosticCollection(DIAGNOSTIC_SOURCE);
  private readonly timers = new Map<string, NodeJS.Timeout>();
  /** Bumped on every change of a document: an analysis of an older generation stops and publishes nothing. */
  private readonly generations = new Map<string, number>();
  private readonly subscriptions: vscode.Disposable[] = [];

  constructor(private readonly documents: ComposeDocuments) {
    this.subscriptions.push(
      this.collection,
      vscode.workspace.onDidOpenTextDocument((d) => this.schedule(d, 0)),
      vscode.workspace.onDidChangeTextDocument((e) => {
        if (e.contentChanges.length === 0) return;
        this.schedule(e.document, TYPING_DELAY_MS);
        // Siblings (base and override files) see this file's declarations.
        this.scheduleSiblings(e.document);
      }),
      vscode.workspace.onDidSaveTextDocument((d) => this.scheduleSiblings(d)),
      vscode.workspace.onDidCloseTextDocument((d) => this.clear(d)),
    );
    for (const d of vscode.workspace.textDocuments) this.schedule(d, 0);
  }

  /** Re-analyses every open Compose document (settings or the engine changed). */
  refreshAll(delayMs = 0): void {
    for (const d of vscode.workspace.textDocuments) this.schedule(d, delayMs);
  }

  private scheduleSiblings(document: vscode.TextDocument): void {
    if (document.uri.scheme !== 'file') return;
    const dir = vscode.Uri.joinPath(document.uri, '..').toString();
    this.documents.invalidate();
    for (const d of vscode.workspace.textDocuments) {
      if (d !== document && vscode.Uri.joinPath(d.uri, '..').toString() === dir) this.schedule(d, TYPING_DELAY_MS);
    }
  }

  private schedule(document: vscode.TextDocument, delayMs: number): void {
    if (!this.documents.isComposeDocument(document)) return;
    const key = document.uri.toString();
    const generation = (this.generations.get(key) ?? 0) + 1;
    this.generations.set(key, generation);
    clearTimeout(this.timers.get(key));
    this.timers.set(key, setTimeout(() => {
      this.timers.delete(key);
      const version = document.version;
      const stale = () => this.generations.get(key) !== generation || document.isClosed || document.version !== version;
      if (stale()) return;
      const analysis = this.documents.analysis(document, stale);
      if (!analysis.complete || stale()) return;
      this.collection.set(document.uri, analysis.diagnostics.map(toDiagnostic));
    }, delayMs));
  }

  private clear(document: vscode.TextDocument): void {
    const key = document.uri.toString();
    clearTimeout(this.timers.get(key));
    this.timers.delete(key);
    this.generations.delete(key);
    this.collection.delete(document.uri);
    this.documents.forget(document);
  }

  dispose(): void {
    for (const t of this.timers.values()) clearTimeout(t);
    this.timers.clear();
    for (const s of this.subscriptions) s.dispose();
  }
}
