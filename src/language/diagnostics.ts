/**
 * Publishes the analysis as diagnostics: debounced while typing, and superseded when the document changes
 * again before an analysis finished. Every analysis runs in a worker thread (analysisWorker.ts), never on
 * the extension host. Each diagnostic carries its rule id as `code` and `compose` as source.
 *
 * Compose files of the workspace that are not open are analysed from disk too, so the Problems panel lists
 * every one of them; a file watcher keeps them current. An open document's own analysis takes over from the
 * disk one while it is open.
 */
import * as vscode from 'vscode';
import type { ComposeDiagnostic } from '../compose/analyze';
import { AnalysisWorker } from './analysisWorker';
import { findWorkspaceComposeFiles } from './composeFiles';
import type { ComposeDocuments } from './documents';
import { toRange } from './ranges';

export const DIAGNOSTIC_SOURCE = 'compose';
const TYPING_DELAY_MS = 200;
/** Closed files are analysed after this pause (changes on disk come in bursts: git checkout, formatters). */
const CLOSED_FILES_DELAY_MS = 300;
/** Closed files in flight in the worker's queue at once (the rest wait here, so open documents go first). */
const CLOSED_IN_FLIGHT = 4;
/** A new folder makes the workspace's Compose files be looked for again, once a burst of them has settled. */
const RESCAN_DELAY_MS = 500;

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
  /** The workspace's Compose files by URI string, open or not. */
  private readonly workspaceFiles = new Map<string, vscode.Uri>();
  /** Closed files waiting to be analysed from disk. */
  private readonly pendingClosed = new Set<string>();
  private closedTimer: NodeJS.Timeout | undefined;
  private rescanTimer: NodeJS.Timeout | undefined;
  private disposed = false;

  private readonly worker: AnalysisWorker;
  private closedInFlight = 0;

  constructor(private readonly documents: ComposeDocuments, worker?: AnalysisWorker) {
    this.worker = worker ?? new AnalysisWorker();
    // Changes of YAML files; creations and deletions of anything, because a folder that appears or goes (a
    // checkout, a copy, `rm -r`) is reported as the folder alone, not the Compose files in it.
    const changes = vscode.workspace.createFileSystemWatcher('**/*.{yaml,yml}', true, false, true);
    const entries = vscode.workspace.createFileSystemWatcher('**', false, true, false);
    this.subscriptions.push(
      changes, entries,
      changes.onDidChange((uri) => this.fileChanged(uri)),
      entries.onDidCreate((uri) => this.entryCreated(uri)),
      entries.onDidDelete((uri) => this.entryDeleted(uri)),
    );
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
    void this.rescanWorkspace();
  }

  /** Re-analyses every Compose document and closed Compose file (settings or the engine changed). */
  refreshAll(delayMs = 0): void {
    for (const d of vscode.workspace.textDocuments) this.schedule(d, delayMs);
    this.queueClosed([...this.workspaceFiles.keys()]);
  }

  /** Finds the workspace's Compose files again (at start, and when the `compose.files` globs change). */
  async rescanWorkspace(): Promise<void> {
    const found = await findWorkspaceComposeFiles();
    if (this.disposed) return;
    const keys = new Set(found.map((u) => u.toString()));
    for (const [key, uri] of this.workspaceFiles) {
      if (!keys.has(key)) {
        this.workspaceFiles.delete(key);
        if (!this.isOpen(key)) this.collection.delete(uri);
      }
    }
    for (const uri of found) this.workspaceFiles.set(uri.toString(), uri);
    this.queueClosed([...keys]);
  }

  private isOpen(key: string): boolean {
    return vscode.workspace.textDocuments.some((d) => d.uri.toString() === key);
  }

  /** A file changed on disk: it and the Compose files beside it (its base or overrides) are analysed again. */
  private fileChanged(uri: vscode.Uri): void {
    if (!this.documents.isComposeFile(uri)) return;
    this.workspaceFiles.set(uri.toString(), uri);
    this.documents.invalidate();
    this.queueClosed([uri.toString(), ...this.siblingsOf(uri)]);
  }

  private entryCreated(uri: vscode.Uri): void {
    if (this.documents.isComposeFile(uri)) return this.fileChanged(uri);
    if (uri.scheme !== 'file') return;
    void vscode.workspace.fs.stat(uri).then((stat) => { if (stat.type & vscode.FileType.Directory) this.rescanSoon(); }, () => undefined);
  }

  /** A file or a folder went: the Compose files it was, or held, go from the Problems panel. */
  private entryDeleted(uri: vscode.Uri): void {
    const prefix = uri.toString() + '/';
    const gone = [...this.workspaceFiles.entries()].filter(([key]) => key === uri.toString() || key.startsWith(prefix));
    if (!gone.length) return;
    for (const [key, file] of gone) {
      this.workspaceFiles.delete(key);
      if (!this.isOpen(key)) this.collection.delete(file);
    }
    this.documents.invalidate();
    this.queueClosed(gone.flatMap(([, file]) => this.siblingsOf(file)));
  }

  private rescanSoon(): void {
    clearTimeout(this.rescanTimer);
    this.rescanTimer = setTimeout(() => void this.rescanWorkspace(), RESCAN_DELAY_MS);
  }

  private siblingsOf(uri: vscode.Uri): string[] {
    const dir = vscode.Uri.joinPath(uri, '..').toString();
    return [...this.workspaceFiles.values()].filter((u) => vscode.Uri.joinPath(u, '..').toString() === dir).map((u) => u.toString());
  }

  private queueClosed(keys: string[]): void {
    for (const k of keys) this.pendingClosed.add(k);
    if (!this.pendingClosed.size || this.disposed) return;
    clearTimeout(this.closedTimer);
    this.closedTimer = setTimeout(() => this.analyzeClosed(), CLOSED_FILES_DELAY_MS);
  }

  /**
   * Sends waiting closed files to the analysis worker, a few at a time so an open document's job never
   * waits behind the whole workspace. The worker reads each file itself, after a size check.
   */
  private analyzeClosed(): void {
    this.closedTimer = undefined;
    for (const key of this.pendingClosed) {
      if (this.closedInFlight >= CLOSED_IN_FLIGHT || this.disposed) return;
      this.pendingClosed.delete(key);
      const uri = this.workspaceFiles.get(key);
      if (!uri || this.isOpen(key)) continue; // an open document publishes its own analysis
      this.closedInFlight++;
      void this.worker.analyze(key, this.documents.fileRequest(uri)).then((result) => {
        this.closedInFlight--;
        if (this.disposed) return;
        // Opened (or gone from the workspace) meanwhile, or queued again after a newer change: not this one.
        if (result && !this.isOpen(key) && this.workspaceFiles.has(key) && !this.pendingClosed.has(key)) {
          if (result.diagnostics) this.collection.set(uri, result.diagnostics.map(toDiagnostic));
          else this.collection.delete(uri);
        }
        this.analyzeClosed();
      });
    }
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
      // A newer job of the same document replaces this one in the worker's queue (it resolves undefined).
      void this.worker.analyze(key, this.documents.request(document), true).then((result) => {
        if (!result?.diagnostics || stale() || this.disposed) return;
        this.documents.setPublished(document, version, result.diagnostics);
        this.collection.set(document.uri, result.diagnostics.map(toDiagnostic));
      });
    }, delayMs));
  }

  private clear(document: vscode.TextDocument): void {
    const key = document.uri.toString();
    clearTimeout(this.timers.get(key));
    this.timers.delete(key);
    this.generations.delete(key);
    this.documents.forget(document);
    // A workspace file falls back to its analysis from disk (unsaved edits are gone); anything else is cleared.
    if (this.workspaceFiles.has(key)) this.queueClosed([key]);
    else this.collection.delete(document.uri);
  }

  dispose(): void {
    this.disposed = true;
    clearTimeout(this.closedTimer);
    clearTimeout(this.rescanTimer);
    for (const t of this.timers.values()) clearTimeout(t);
    this.timers.clear();
    for (const s of this.subscriptions) s.dispose();
    this.worker.dispose();
  }
}
