/** Registers the volume actions (create, remove, prune, backup, restore, clone, schedule) and the backup schedule. */
import * as vscode from 'vscode';
import { COMMAND } from '../ids';
import { localize } from '../views/items';
import type { ExplorerStore } from '../model/store';
import { registerCommand } from './index';
import { nothingProtected, type ProtectedResourcesProvider } from './protection';
import { affectsSchedule, BackupScheduler } from './volumes/backupScheduler';
import { backupVolumes } from './volumes/backupVolume';
import { cloneVolume } from './volumes/cloneVolume';
import { createVolume } from './volumes/createVolume';
import { pruneVolumes } from './volumes/pruneVolumes';
import { removeVolume } from './volumes/removeVolume';
import { restoreVolume } from './volumes/restoreVolume';
import { runScheduledBackupsNow, scheduleBackup } from './volumes/scheduleBackup';

/**
 * `storeFor` picks the engine a command acts on (its tree row's engine, or the current one);
 * `protectedResources` names the volumes prune keeps unless the user ticks them (the workspace's Compose volumes).
 */
export function registerVolumeCommands(context: vscode.ExtensionContext, storeFor: (arg: unknown) => ExplorerStore, protectedResources: ProtectedResourcesProvider = nothingProtected): BackupScheduler {
  // The schedule backs up volumes of the current engine.
  const current = storeFor(undefined);
  const scheduler = new BackupScheduler(current);
  context.subscriptions.push(
    scheduler,
    vscode.workspace.onDidChangeConfiguration((e) => { if (affectsSchedule(e)) scheduler.settingsChanged(); }),
    // Trusting the workspace makes its own schedule settings count (package.json restricts them until then).
    vscode.workspace.onDidGrantWorkspaceTrust(() => scheduler.settingsChanged()),
    registerCommand(COMMAND.createVolume, (arg) => createVolume(storeFor(arg), arg)),
    registerCommand(COMMAND.removeVolume, (arg, selection) => removeVolume(storeFor(arg), arg, selection)),
    registerCommand(COMMAND.pruneVolumes, (arg) => pruneVolumes(storeFor(arg), protectedResources, arg)),
    registerCommand(COMMAND.backupVolume, (arg, selection) => backupVolumes(storeFor(arg), arg, selection)),
    registerCommand(COMMAND.restoreVolume, (arg) => restoreVolume(storeFor(arg), arg)),
    registerCommand(COMMAND.cloneVolume, (arg) => cloneVolume(storeFor(arg), arg)),
    registerCommand(COMMAND.scheduleBackup, (arg, selection) => {
      if (storeFor(arg) !== current) throw new Error(localize('Scheduled backups are of the current engine ({0}): make this engine current first (Select Engine).', current.client.label));
      return scheduleBackup(current, arg, selection);
    }),
    registerCommand(COMMAND.runScheduledBackups, () => runScheduledBackupsNow(current, scheduler)),
  );
  scheduler.start();
  return scheduler;
}
