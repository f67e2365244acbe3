/**
 * The Compose editor features: diagnostics, quick fixes, code lenses, hovers and go to definition, and the
 * editing ones (completion, outline, references, rename, inlay hints, links: editing.ts).
 */
import * as vscode from 'vscode';
import type { EngineStore } from '../model/store';
import { ComposeCodeActions } from './codeActions';
import { ComposeCodeLenses } from './codeLens';
import { DiagnosticsController } from './diagnostics';
import { COMPOSE_SELECTOR, ComposeDocuments } from './documents';
import { StoreSnapshot } from './engineSnapshot';
import { registerComposeEditing } from './editing';
import { ComposeDefinitions, ComposeHovers } from './hover';
import { affectsCompose } from './settings';

/** Engine events come in bursts (compose up): lenses and engine rules follow after a short pause. */
const ENGINE_SETTLE_MS = 250;

export function registerComposeLanguageFeatures(store: EngineStore, subscriptions: vscode.Disposable[]): void {
  const snapshot = new StoreSnapshot(store);
  const documents = new ComposeDocuments(snapshot);
  const diagnostics = new DiagnosticsController(documents);
  const lenses = new ComposeCodeLenses(documents);
  const editing = registerComposeEditing(documents, subscriptions);

  let timer: NodeJS.Timeout | undefined;
  const engineSubscription = snapshot.onDidChange(() => {
    clearTimeout(timer);
    timer = setTimeout(() => {
      documents.engineChanged();
      diagnostics.refreshAll();
      lenses.refresh();
      editing.refresh();
    }, ENGINE_SETTLE_MS);
  });

  subscriptions.push(
    { dispose: () => { clearTimeout(timer); engineSubscription.dispose(); snapshot.dispose(); } },
    diagnostics,
    lenses,
    vscode.languages.registerCodeLensProvider(COMPOSE_SELECTOR, lenses),
    vscode.languages.registerCodeActionsProvider(COMPOSE_SELECTOR, new ComposeCodeActions(documents), ComposeCodeActions.metadata),
    vscode.languages.registerHoverProvider(COMPOSE_SELECTOR, new ComposeHovers(documents)),
    vscode.languages.registerDefinitionProvider(COMPOSE_SELECTOR, new ComposeDefinitions(documents)),
    vscode.workspace.onDidChangeConfiguration((e) => {
      if (!affectsCompose(e)) return;
      documents.invalidate();
      diagnostics.refreshAll();
      void diagnostics.rescanWorkspace();
      lenses.refresh();
      editing.refresh();
    }),
  );
}
