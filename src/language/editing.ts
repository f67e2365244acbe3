/**
 * Compose editing: completion, outline, highlights, references, rename, inlay hints, links and key hovers.
 * Thin: each provider maps the core's answer (src/compose/editing) to the editor's types.
 */
import { readFileSync, statSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import * as vscode from 'vscode';
import { localize } from '../l10n';
import { completions, type CompletionKind } from '../compose/editing/completion';
import { anchorGroupAt } from '../compose/editing/anchors';
import { inlayHints } from '../compose/editing/inlayHints';
import { keyHoverAt } from '../compose/editing/keyDocs';
import { documentLinks } from '../compose/editing/links';
import { checkNewName, checkRename, occurrenceAt, occurrencesIn, projectOccurrences } from '../compose/editing/references';
import { documentSymbols, type OutlineKind, type OutlineSymbol } from '../compose/editing/symbols';
import type { ComposeModel } from '../compose/declarations';
import { LineIndex } from '../compose/parse';
import { interpolate, type ComposeProject } from '../compose/project';
import { SETTING, SETTING_SECTION } from '../ids';
import { COMPOSE_SELECTOR, type ComposeDocuments } from './documents';
import { spanRange } from './ranges';

const COMPLETION_KIND: Record<CompletionKind, vscode.CompletionItemKind> = {
  property: vscode.CompletionItemKind.Property,
  value: vscode.CompletionItemKind.EnumMember,
  service: vscode.CompletionItemKind.Class,
  network: vscode.CompletionItemKind.Interface,
  volume: vscode.CompletionItemKind.Folder,
  config: vscode.CompletionItemKind.File,
  secret: vscode.CompletionItemKind.Constant,
  engine: vscode.CompletionItemKind.Reference,
  snippet: vscode.CompletionItemKind.Snippet,
};

const SYMBOL_KIND: Record<OutlineKind, vscode.SymbolKind> = {
  section: vscode.SymbolKind.Namespace,
  service: vscode.SymbolKind.Class,
  network: vscode.SymbolKind.Interface,
  volume: vscode.SymbolKind.Struct,
  config: vscode.SymbolKind.File,
  secret: vscode.SymbolKind.Key,
  key: vscode.SymbolKind.Property,
};

class ComposeCompletions implements vscode.CompletionItemProvider {
  /** The project of the last analysis per document: names for completion without a parse per keystroke. */
  private readonly projects = new Map<string, { version: number; project: ComposeProject }>();
  private refresh: NodeJS.Timeout | undefined;

  constructor(private readonly documents: ComposeDocuments) {}

  provideCompletionItems(document: vscode.TextDocument, position: vscode.Position, _token: vscode.CancellationToken, context: vscode.CompletionContext): vscode.CompletionItem[] | undefined {
    if (!this.documents.isComposeDocument(document)) return undefined;
    const text = document.getText();
    const lines = new LineIndex(text);
    const entries = completions({
      text, lines, project: this.project(document), offset: document.offsetAt(position), engine: this.documents.engine.current,
      afterSpace: context.triggerKind === vscode.CompletionTriggerKind.TriggerCharacter && context.triggerCharacter === ' ',
      dir: document.uri.scheme === 'file' ? path.dirname(document.uri.fsPath) : undefined,
      readFile: readSmallFile,
    });
    return entries.map((e) => {
      const item = new vscode.CompletionItem(e.label, COMPLETION_KIND[e.kind]);
      item.insertText = e.snippet ? new vscode.SnippetString(e.insertText) : e.insertText;
      item.range = new vscode.Range(document.positionAt(e.start), document.positionAt(e.end));
      if (e.detail) item.detail = e.detail;
      if (e.documentation) item.documentation = new vscode.MarkdownString(e.documentation);
      if (e.sortText) item.sortText = e.sortText;
      if (e.kind === 'engine') item.label = { label: e.label, description: localize('engine') };
      // A key inserted with a line break for its block: suggest again inside it.
      if (e.kind === 'property' && e.insertText.includes('\n')) item.command = { command: 'editor.action.triggerSuggest', title: '' };
      return item;
    });
  }

  /** The last project seen for the document; a newer one is read after the answer, off the keystroke's path. */
  private project(document: vscode.TextDocument): ComposeProject {
    const key = document.uri.toString();
    const known = this.projects.get(key);
    if (known && known.version === document.version) return known.project;
    if (!known) {
      const project = this.documents.analysis(document).project;
      this.projects.set(key, { version: document.version, project });
      return project;
    }
    clearTimeout(this.refresh);
    this.refresh = setTimeout(() => {
      if (document.isClosed) { this.projects.delete(key); return; }
      this.projects.set(key, { version: document.version, project: this.documents.analysis(document).project });
    }, 300);
    return known.project;
  }

  dispose(): void {
    clearTimeout(this.refresh);
    this.projects.clear();
  }
}

/** A Dockerfile's text for stage names (only at `build.target`; a Dockerfile is small, a huge file is not read). */
function readSmallFile(file: string): string | undefined {
  try {
    return statSync(file).size > 1024 * 1024 ? undefined : readFileSync(file, 'utf8');
  } catch {
    return undefined;
  }
}

class ComposeSymbols implements vscode.DocumentSymbolProvider {
  constructor(private readonly documents: ComposeDocuments) {}

  provideDocumentSymbols(document: vscode.TextDocument): vscode.DocumentSymbol[] | undefined {
    if (!this.documents.isComposeDocument(document)) return undefined;
    const model = this.documents.model(document);
    const map = (s: OutlineSymbol): vscode.DocumentSymbol => {
      const symbol = new vscode.DocumentSymbol(s.name, s.detail ?? '', SYMBOL_KIND[s.kind], spanRange(model, s.start, s.end), spanRange(model, s.selectionStart, s.selectionEnd));
      symbol.children = s.children.map(map);
      return symbol;
    };
    return documentSymbols(model).map(map);
  }
}

class ComposeReferences implements vscode.DocumentHighlightProvider, vscode.ReferenceProvider, vscode.RenameProvider {
  constructor(private readonly documents: ComposeDocuments) {}

  provideDocumentHighlights(document: vscode.TextDocument, position: vscode.Position): vscode.DocumentHighlight[] | undefined {
    if (!this.documents.isComposeDocument(document)) return undefined;
    const model = this.documents.model(document);
    const offset = document.offsetAt(position);
    const anchors = anchorGroupAt(model.parsed.text, offset);
    if (anchors) {
      return anchors.group.map((m) => new vscode.DocumentHighlight(spanRange(model, m.start, m.end), m.kind === 'anchor' ? vscode.DocumentHighlightKind.Write : vscode.DocumentHighlightKind.Read));
    }
    const o = occurrenceAt(model, offset);
    if (!o) return undefined;
    return occurrencesIn(model)
      .filter((x) => x.kind === o.kind && x.name === o.name)
      .map((x) => new vscode.DocumentHighlight(spanRange(model, x.start, x.end), x.declaration ? vscode.DocumentHighlightKind.Write : vscode.DocumentHighlightKind.Read));
  }

  provideReferences(document: vscode.TextDocument, position: vscode.Position, context: vscode.ReferenceContext): vscode.Location[] | undefined {
    if (!this.documents.isComposeDocument(document)) return undefined;
    const analysis = this.documents.analysis(document);
    const o = occurrenceAt(analysis.model, document.offsetAt(position));
    if (!o) return undefined;
    return projectOccurrences(analysis.project, o.kind, o.name)
      .filter((x) => context.includeDeclaration || !x.declaration)
      .map((x) => new vscode.Location(this.uriOf(document, analysis.model, x.model, x.file), spanRange(x.model, x.start, x.end)));
  }

  prepareRename(document: vscode.TextDocument, position: vscode.Position): vscode.Range | { range: vscode.Range; placeholder: string } {
    if (!this.documents.isComposeDocument(document)) throw new Error(localize('Not a Compose file.'));
    const analysis = this.documents.analysis(document);
    const check = checkRename(analysis.project, analysis.model, document.offsetAt(position), this.documents.engine.current);
    if (!check.ok) throw new Error(check.reason);
    return { range: spanRange(analysis.model, check.occurrence.start, check.occurrence.end), placeholder: check.occurrence.name };
  }

  provideRenameEdits(document: vscode.TextDocument, position: vscode.Position, newName: string): vscode.WorkspaceEdit {
    const analysis = this.documents.analysis(document);
    const check = checkRename(analysis.project, analysis.model, document.offsetAt(position), this.documents.engine.current);
    if (!check.ok) throw new Error(check.reason);
    const { kind, name } = check.occurrence;
    const refused = checkNewName(analysis.project, kind, name, newName);
    if (refused) throw new Error(refused);
    const edit = new vscode.WorkspaceEdit();
    for (const x of projectOccurrences(analysis.project, kind, name)) {
      edit.replace(this.uriOf(document, analysis.model, x.model, x.file), spanRange(x.model, x.start, x.end), newName);
    }
    return edit;
  }

  private uriOf(document: vscode.TextDocument, current: ComposeModel, model: ComposeModel, file: string): vscode.Uri {
    return model === current ? document.uri : vscode.Uri.file(file);
  }
}

class ComposeInlayHints implements vscode.InlayHintsProvider {
  private readonly changed = new vscode.EventEmitter<void>();
  readonly onDidChangeInlayHints = this.changed.event;

  constructor(private readonly documents: ComposeDocuments) {}

  refresh(): void {
    this.changed.fire();
  }

  provideInlayHints(document: vscode.TextDocument, range: vscode.Range): vscode.InlayHint[] | undefined {
    if (!this.documents.isComposeDocument(document)) return undefined;
    if (!vscode.workspace.getConfiguration(SETTING_SECTION, document.uri).get<boolean>(SETTING.composeInlayHints, true)) return undefined;
    const analysis = this.documents.analysis(document);
    const model = analysis.model;
    return inlayHints(model, analysis.project, {
      start: document.offsetAt(range.start), end: document.offsetAt(range.end), engine: this.documents.engine.current, processEnv: process.env,
    }).map((h) => {
      const p = model.parsed.lines.position(h.offset);
      const hint = new vscode.InlayHint(new vscode.Position(p.line, p.character), h.label);
      hint.paddingLeft = true;
      if (h.tooltip) hint.tooltip = h.tooltip;
      return hint;
    });
  }

  dispose(): void {
    this.changed.dispose();
  }
}

class ComposeLinks implements vscode.DocumentLinkProvider {
  constructor(private readonly documents: ComposeDocuments) {}

  provideDocumentLinks(document: vscode.TextDocument): vscode.DocumentLink[] | undefined {
    if (!this.documents.isComposeDocument(document) || document.uri.scheme !== 'file') return undefined;
    const analysis = this.documents.analysis(document);
    const model = analysis.model;
    const links: vscode.DocumentLink[] = [];
    for (const l of documentLinks(model, { dir: path.dirname(document.uri.fsPath), resolve: (t) => interpolate(t, analysis.project.env), home: os.homedir() })) {
      let isDir: boolean;
      try {
        isDir = statSync(l.target).isDirectory();
      } catch {
        continue; // missing: bind-source-missing and the other checks say so
      }
      const uri = vscode.Uri.file(l.target);
      const target = isDir ? vscode.Uri.parse(`command:revealInExplorer?${encodeURIComponent(JSON.stringify([uri]))}`) : uri;
      const link = new vscode.DocumentLink(spanRange(model, l.start, l.end), target);
      link.tooltip = isDir ? localize('Reveal {0} in the Explorer', l.target) : localize('Open {0}', l.target);
      links.push(link);
    }
    return links;
  }
}

class ComposeKeyHovers implements vscode.HoverProvider {
  constructor(private readonly documents: ComposeDocuments) {}

  provideHover(document: vscode.TextDocument, position: vscode.Position): vscode.Hover | undefined {
    if (!this.documents.isComposeDocument(document)) return undefined;
    const model = this.documents.model(document);
    const hover = keyHoverAt(model, document.offsetAt(position));
    return hover ? new vscode.Hover(new vscode.MarkdownString(hover.markdown), spanRange(model, hover.start, hover.end)) : undefined;
  }
}

/** Registers the editing providers into `subscriptions`; returns what to call when the engine or the settings change. */
export function registerComposeEditing(documents: ComposeDocuments, subscriptions: vscode.Disposable[]): { refresh(): void } {
  const completion = new ComposeCompletions(documents);
  const references = new ComposeReferences(documents);
  const hints = new ComposeInlayHints(documents);
  subscriptions.push(
    completion,
    hints,
    vscode.languages.registerCompletionItemProvider(COMPOSE_SELECTOR, completion, ':', ' '),
    vscode.languages.registerDocumentSymbolProvider(COMPOSE_SELECTOR, new ComposeSymbols(documents), { label: 'Compose' }),
    vscode.languages.registerDocumentHighlightProvider(COMPOSE_SELECTOR, references),
    vscode.languages.registerReferenceProvider(COMPOSE_SELECTOR, references),
    vscode.languages.registerRenameProvider(COMPOSE_SELECTOR, references),
    vscode.languages.registerInlayHintsProvider(COMPOSE_SELECTOR, hints),
    vscode.languages.registerDocumentLinkProvider(COMPOSE_SELECTOR, new ComposeLinks(documents)),
    vscode.languages.registerHoverProvider(COMPOSE_SELECTOR, new ComposeKeyHovers(documents)),
  );
  return { refresh: () => hints.refresh() };
}
