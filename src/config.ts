/** Typed access to the extension's settings. */
import * as os from 'node:os';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { type BackupFormat, formatAvailable, isBackupFormat } from './backup/formats';
import { type BackupInterval, isBackupInterval } from './backup/schedule';
import { SETTING, SETTING_SECTION } from './ids';
import type { SortOrder } from './views/describe';

export interface EngineSettings {
  host: string;
  certPath: string;
  tlsVerify: boolean;
  /** Extra engines to list (machine setting). */
  hosts: string[];
  /** List DOCKER_HOST, every context and the local socket too. */
  discover: boolean;
}

export interface ExplorerSettings {
  showBuiltIns: boolean;
  groupByProject: boolean;
  sortBy: SortOrder;
  /** Above this many rows under one parent, the Volumes view shows name ranges; 0 or undefined: never. */
  groupAbove?: number;
  /** The workspace's backup schedule (of the current engine's volumes), shown on their rows. */
  backupSchedule?: { interval: BackupInterval; keep: number; volumes: ReadonlySet<string> };
}

function section(): vscode.WorkspaceConfiguration {
  return vscode.workspace.getConfiguration(SETTING_SECTION);
}

/**
 * The engine settings are machine-scoped in package.json, and read here from the user/machine level only,
 * so a workspace's .vscode/settings.json can never point the extension at another engine.
 */
export function engineSettings(): EngineSettings {
  const config = section();
  const machineValue = <T>(key: string, fallback: T): T => {
    const inspected = config.inspect<T>(key);
    return inspected?.globalValue ?? inspected?.defaultValue ?? fallback;
  };
  return {
    host: machineValue(SETTING.engineHost, ''),
    certPath: machineValue(SETTING.engineCertPath, ''),
    tlsVerify: machineValue(SETTING.engineTlsVerify, true),
    hosts: machineValue<string[]>(SETTING.engineHosts, []).filter((h) => typeof h === 'string'),
    discover: machineValue(SETTING.engineDiscover, true),
  };
}

export function explorerSettings(): ExplorerSettings {
  const config = section();
  return {
    showBuiltIns: config.get<boolean>(SETTING.showBuiltIns, true),
    groupByProject: config.get<boolean>(SETTING.groupByProject, false),
    sortBy: config.get<string>(SETTING.sortBy, 'name') === 'created' ? 'created' : 'name',
    groupAbove: groupLargeListsAbove(config),
    backupSchedule: backupSchedule(),
  };
}

/** Above this many rows under one parent (volumes in a list, entries in a volume's folder), name ranges; 0: never. */
export function groupLargeListsAbove(config = section()): number {
  return Math.max(0, Math.floor(config.get<number>(SETTING.groupLargeLists, 500)) || 0);
}

function backupSchedule(): ExplorerSettings['backupSchedule'] {
  const { interval, volumes, keep } = scheduleSettings();
  return interval && volumes.length ? { interval, keep, volumes: new Set(volumes) } : undefined;
}

/** The backup schedule's settings; they belong to the workspace (resource scope: its first folder). */
export function scheduleConfiguration(): vscode.WorkspaceConfiguration {
  return vscode.workspace.getConfiguration(SETTING_SECTION, vscode.workspace.workspaceFolders?.[0]?.uri);
}

export interface ScheduleSettingValues {
  /** undefined: off. */
  interval: BackupInterval | undefined;
  volumes: string[];
  /** At least 1. */
  keep: number;
  pauseWriters: boolean;
  /** Verify each new scheduled backup (a restore into a scratch volume) before older ones are deleted. */
  verify: boolean;
}

export function scheduleSettings(): ScheduleSettingValues {
  const config = scheduleConfiguration();
  const interval = config.get<string>(SETTING.scheduleInterval, 'off');
  const volumes = config.get<unknown[]>(SETTING.scheduleVolumes, []).filter((v): v is string => typeof v === 'string' && v.length > 0);
  return {
    interval: isBackupInterval(interval) ? interval : undefined,
    volumes: [...new Set(volumes)],
    keep: Math.max(1, Math.floor(config.get<number>(SETTING.scheduleKeep, 7)) || 7),
    pauseWriters: config.get<boolean>(SETTING.schedulePauseWriters, false),
    verify: config.get<boolean>(SETTING.scheduleVerify, false) === true,
  };
}

function expandFolder(raw: string): string {
  let value = raw.trim();
  if (value.startsWith('~')) value = path.join(os.homedir(), value.slice(1));
  const workspace = vscode.workspace.workspaceFolders?.[0]?.uri.fsPath;
  if (workspace) value = value.replace(/\$\{workspaceFolder\}/g, workspace);
  if (!path.isAbsolute(value) && workspace) value = path.join(workspace, value);
  return value;
}

/** The backup folder setting as an absolute path (`~` and `${workspaceFolder}` expanded), or undefined when unset. */
export function backupFolder(): string | undefined {
  const raw = section().get<string>(SETTING.backupFolder, '');
  return raw.trim() ? expandFolder(raw) : undefined;
}

/** The format to write: the argument, else the setting; .tar.zst falls back to .tar.gz where zlib has no zstd. */
export function backupFormat(given: unknown): { format: BackupFormat; fellBack: boolean } {
  const wanted = isBackupFormat(given) ? given : section().get<string>(SETTING.backupFormat, 'tar.gz');
  const format = isBackupFormat(wanted) ? wanted : 'tar.gz';
  return formatAvailable(format) ? { format, fellBack: false } : { format: 'tar.gz', fellBack: true };
}

export async function updateExplorerSetting(key: string, value: unknown): Promise<void> {
  await section().update(key, value, vscode.ConfigurationTarget.Global);
}

export function affectsEngine(e: vscode.ConfigurationChangeEvent): boolean {
  return e.affectsConfiguration(`${SETTING_SECTION}.engine`);
}

export function affectsExplorer(e: vscode.ConfigurationChangeEvent): boolean {
  return e.affectsConfiguration(`${SETTING_SECTION}.networks`) || e.affectsConfiguration(`${SETTING_SECTION}.explorer`)
    || e.affectsConfiguration(`${SETTING_SECTION}.backup.schedule`);
}
