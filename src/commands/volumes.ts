/** Registers the volume actions (create, remove, prune, backup, restore, clone, schedule) and the backup schedule. */
import * as vscode from 'vscode';
import { COMMAND } from '../ids';
import { localize } from '../l10n';
import type { EngineStore } from '../model/store';
import { registerCommand } from './index';
import type { ProtectedResourcesProvider } from './protection';
import type { Prompts } from './prompts';
import type { BackupScheduler } from '../backup/scheduler';
import { affectsSchedule } from './volumes/scheduleHost';
import { backupVolumes } from './volumes/backupVolume';
import { cloneVolume } from './volumes/cloneVolume';
import { createVolume } from './volumes/createVolume';
import { pruneVolumes } from './volumes/pruneVolumes';
import { removeVolume } from './volumes/removeVolume';
import { restoreVolume } from './volumes/restoreVolume';
import { verifyBackup } from './volumes/verifyBackup';
import { runScheduledBackupsNow, scheduleBackup } from './volumes/scheduleBackup';

/**
 * `storeFor` picks the engine a command acts on (its tree row's engine, or the current one);
 * `scheduler` runs the backup schedule of the current engine (started here, once its commands exist);
 * `protectedResources` names the volumes prune keeps unless the user ticks them (the workspace's Compose volumes);
 * every question goes through `prompts`; what is registered goes into `subscriptions`.
 */
export function registerVolumeCommands(storeFor: (arg: unknown) => EngineStore, prompts: Prompts, scheduler: BackupScheduler, protectedResources: ProtectedResourcesProvider, subscriptions: vscode.Disposable[]): void {
  // The schedule backs up volumes of the current engine.
  const current = storeFor(undefined);
  subscriptions.push(
    vscode.workspace.onDidChangeConfiguration((e) => { if (affectsSchedule(e)) scheduler.settingsChanged(); }),
    // Trusting the workspace makes its own schedule settings count (package.json restricts them until then).
    vscode.workspace.onDidGrantWorkspaceTrust(() => scheduler.settingsChanged()),
    registerCommand(COMMAND.createVolume, (arg) => createVolume(storeFor(arg), prompts, arg)),
    registerCommand(COMMAND.removeVolume, (arg, selection) => removeVolume(storeFor(arg), prompts, arg, selection)),
    registerCommand(COMMAND.pruneVolumes, (arg) => pruneVolumes(storeFor(arg), prompts, protectedResources, arg)),
    registerCommand(COMMAND.backupVolume, (arg, selection) => backupVolumes(storeFor(arg), prompts, arg, selection)),
    registerCommand(COMMAND.restoreVolume, (arg) => restoreVolume(storeFor(arg), prompts, arg)),
    registerCommand(COMMAND.cloneVolume, (arg) => cloneVolume(storeFor(arg), prompts, arg)),
    registerCommand(COMMAND.verifyBackup, (arg) => verifyBackup(storeFor(arg), prompts, arg)),
    registerCommand(COMMAND.scheduleBackup, (arg, selection) => {
      if (storeFor(arg) !== current) throw new Error(localize('Scheduled backups are of the current engine ({0}): make this engine current first (Select Engine).', current.client.label));
      return scheduleBackup(current, prompts, arg, selection);
    }),
    registerCommand(COMMAND.runScheduledBackups, () => runScheduledBackupsNow(current, scheduler)),
  );
  scheduler.start();
}
