/** Hover and go to definition on network, volume and service names. */
import * as vscode from 'vscode';
import { anchorGroupAt } from '../compose/editing/anchors';
import { definitions, hoverMarkdown, symbolAt } from '../compose/navigation';
import type { ComposeDocuments } from './documents';
import { spanRange } from './ranges';

export class ComposeHovers implements vscode.HoverProvider {
  constructor(private readonly documents: ComposeDocuments) {}

  provideHover(document: vscode.TextDocument, position: vscode.Position): vscode.Hover | undefined {
    if (!this.documents.isComposeDocument(document)) return undefined;
    const analysis = this.documents.analysis(document);
    const symbol = symbolAt(analysis.model, document.offsetAt(position));
    if (!symbol) return undefined;
    const markdown = new vscode.MarkdownString(hoverMarkdown(analysis, symbol, this.documents.engine.current));
    return new vscode.Hover(markdown, spanRange(analysis.model, symbol.start, symbol.end));
  }
}

export class ComposeDefinitions implements vscode.DefinitionProvider {
  constructor(private readonly documents: ComposeDocuments) {}

  provideDefinition(document: vscode.TextDocument, position: vscode.Position): vscode.Location[] | undefined {
    if (!this.documents.isComposeDocument(document)) return undefined;
    const analysis = this.documents.analysis(document);
    const offset = document.offsetAt(position);
    // An alias goes to the anchor it copies.
    const anchor = anchorGroupAt(analysis.model.parsed.text, offset);
    if (anchor?.at.kind === 'alias' && anchor.at.definition !== undefined) {
      const start = anchor.at.definition;
      return [new vscode.Location(document.uri, spanRange(analysis.model, start, start + anchor.at.name.length))];
    }
    const symbol = symbolAt(analysis.model, offset);
    if (!symbol) return undefined;
    const found = definitions(analysis.project, symbol.kind, symbol.name);
    return found.map((d) => new vscode.Location(
      d.model === analysis.model ? document.uri : vscode.Uri.file(d.file),
      spanRange(d.model, d.start, d.end),
    ));
  }
}
