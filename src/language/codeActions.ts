/** Quick fixes from the rules' fix data: text edits, or a command that creates the network/volume on the engine. */
import * as vscode from 'vscode';
import type { ComposeDiagnostic } from '../compose/analyze';
import { editsFor } from '../compose/edits';
import type { Fix } from '../compose/rules';
import { EXPLORER_ACTION } from '../ids';
import { DIAGNOSTIC_SOURCE, toDiagnostic } from './diagnostics';
import type { ComposeDocuments } from './documents';
import { spanRange } from './ranges';

export class ComposeCodeActions implements vscode.CodeActionProvider {
  static readonly metadata: vscode.CodeActionProviderMetadata = { providedCodeActionKinds: [vscode.CodeActionKind.QuickFix] };

  constructor(private readonly documents: ComposeDocuments) {}

  provideCodeActions(document: vscode.TextDocument, _range: vscode.Range, context: vscode.CodeActionContext): vscode.CodeAction[] {
    if (!this.documents.isComposeDocument(document)) return [];
    const ours = context.diagnostics.filter((d) => d.source === DIAGNOSTIC_SOURCE);
    if (ours.length === 0) return [];
    const analysis = this.documents.analysis(document);
    const actions: vscode.CodeAction[] = [];
    for (const diagnostic of ours) {
      const match = analysis.diagnostics.find((d) => same(d, diagnostic));
      if (!match) continue;
      match.fixes.forEach((fix, i) => {
        const action = this.action(document, analysis.model, fix, diagnostic);
        if (!action) return;
        if (i === 0 && fix.kind === 'replace') action.isPreferred = true;
        actions.push(action);
      });
    }
    return actions;
  }

  private action(document: vscode.TextDocument, model: Parameters<typeof editsFor>[0], fix: Fix, diagnostic: vscode.Diagnostic): vscode.CodeAction | undefined {
    const action = new vscode.CodeAction(fix.title, vscode.CodeActionKind.QuickFix);
    action.diagnostics = [diagnostic];
    if (fix.kind === 'createNetwork') {
      action.command = { command: EXPLORER_ACTION.createNetwork, title: fix.title, arguments: [fix.args] };
      return action;
    }
    if (fix.kind === 'createVolume') {
      action.command = { command: EXPLORER_ACTION.createVolume, title: fix.title, arguments: [fix.args] };
      return action;
    }
    const edits = editsFor(model, fix);
    if (!edits) return undefined;
    const edit = new vscode.WorkspaceEdit();
    for (const e of edits) edit.replace(document.uri, spanRange(model, e.start, e.end), e.text);
    action.edit = edit;
    return action;
  }
}

function same(d: ComposeDiagnostic, v: vscode.Diagnostic): boolean {
  const code = typeof v.code === 'object' ? v.code.value : v.code;
  return d.code === code && d.message === v.message && toDiagnostic(d).range.isEqual(v.range);
}
