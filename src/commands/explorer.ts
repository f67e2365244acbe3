/** Explorer commands that change what the trees show or re-read the engine. */
import * as vscode from 'vscode';
import { updateExplorerSetting } from '../config';
import { SETTING, SETTING_SECTION, VIEW } from '../ids';
import type { EngineStore } from '../model/store';
import { localize } from '../l10n';

export const showBuiltIns = (show: boolean) => () => updateExplorerSetting(SETTING.showBuiltIns, show);
export const groupByProject = (group: boolean) => () => updateExplorerSetting(SETTING.groupByProject, group);
export const sortBy = (order: 'name' | 'created') => () => updateExplorerSetting(SETTING.sortBy, order);

export async function refresh(store: EngineStore): Promise<void> {
  if (store.state.status !== 'connected') {
    store.retryNow();
    return;
  }
  await vscode.window.withProgress({ location: { viewId: VIEW.networks } }, () => store.reload());
}

export function configureEngine(): Thenable<unknown> {
  return vscode.commands.executeCommand('workbench.action.openSettings', `${SETTING_SECTION}.engine`);
}

export async function computeSizes(store: EngineStore): Promise<void> {
  await vscode.window.withProgress(
    { location: { viewId: VIEW.volumes }, title: localize('Computing volume sizes…') },
    () => store.computeVolumeSizes(),
  );
}
