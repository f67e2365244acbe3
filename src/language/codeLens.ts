/** Code lenses above networks, volumes and services; refreshed when the engine's state changes. */
import * as vscode from 'vscode';
import { composeLenses, type LensAction } from '../compose/lenses';
import { EXPLORER_ACTION } from '../ids';
import type { ComposeDocuments } from './documents';
import { spanRange } from './ranges';

export class ComposeCodeLenses implements vscode.CodeLensProvider, vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<void>();
  readonly onDidChangeCodeLenses = this.changed.event;

  constructor(private readonly documents: ComposeDocuments) {}

  refresh(): void {
    this.changed.fire();
  }

  provideCodeLenses(document: vscode.TextDocument): vscode.CodeLens[] {
    if (!this.documents.isComposeDocument(document)) return [];
    const analysis = this.documents.analysis(document);
    const out: vscode.CodeLens[] = [];
    for (const lens of composeLenses(analysis, this.documents.engine.current)) {
      const range = spanRange(analysis.model, lens.start, lens.end);
      // A lens with an empty command id is shown as plain text.
      out.push(new vscode.CodeLens(range, { title: lens.text, command: '', tooltip: lens.tooltip }));
      for (const action of lens.actions) out.push(new vscode.CodeLens(range, command(action)));
    }
    return out;
  }

  dispose(): void {
    this.changed.dispose();
  }
}

function command(action: LensAction): vscode.Command {
  switch (action.kind) {
    case 'reveal': return { title: action.title, command: EXPLORER_ACTION.reveal, arguments: [action.target] };
    case 'createNetwork': return { title: action.title, command: EXPLORER_ACTION.createNetwork, arguments: [action.args] };
    case 'createVolume': return { title: action.title, command: EXPLORER_ACTION.createVolume, arguments: [action.args] };
    case 'backup': return { title: action.title, command: EXPLORER_ACTION.backupVolume, arguments: [{ volumes: [action.volume] }] };
  }
}
