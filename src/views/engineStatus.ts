/** The status bar item: which engine is current and whether it is connected; a click switches engines. */
import * as vscode from 'vscode';
import { COMMAND } from '../ids';
import type { EngineSet } from '../model/engines';
import { localize } from '../l10n';

export function createEngineStatus(engines: EngineSet, subscriptions: vscode.Disposable[]): vscode.StatusBarItem {
  const item = vscode.window.createStatusBarItem('dnv.engine', vscode.StatusBarAlignment.Left, 20);
  item.name = localize('Docker Engine');
  item.command = COMMAND.selectEngine;
  const update = () => {
    const current = engines.entries().find((e) => e.current)!;
    const state = current.store.state;
    const short = current.label.replace(/ \((default socket|DOCKER_HOST|setting)\)$/, '').replace(/^unix:\/\/\/var\/run\/docker\.sock$/, localize('local'));
    const icon = state.status === 'connected' ? '$(server-environment)' : state.status === 'connecting' ? '$(loading~spin)' : '$(debug-disconnect)';
    item.text = `${icon} ${short}`;
    // Plain text, not Markdown: the extension host parses a Markdown tooltip with its Markdown lexer before sending
    // it, and the first parse after start-up held the host thread for 60-110 ms, right when the views were being
    // registered: the workbench heard of them, and asked for their rows, that much later (docs/BENCHMARKS.md).
    item.tooltip = [
      current.label,
      state.status === 'connected' ? localize('Engine {0}', state.version.Version ?? '?') : state.status === 'connecting' ? localize('connecting…') : state.error.message,
      engines.entries().length > 1 ? localize('{0} engines: click to switch.', engines.entries().length) : localize('Click to choose an engine.'),
    ].join('\n');
    item.backgroundColor = state.status === 'unreachable' ? new vscode.ThemeColor('statusBarItem.warningBackground') : undefined;
    item.show();
  };
  subscriptions.push(item, engines.primary.onDidChange((c) => { if (c.kinds.has('connection')) update(); }), engines.onDidChange(update));
  update();
  return item;
}
