/** The Compose settings: per-rule severities and extra file globs. */
import * as vscode from 'vscode';
import type { SeverityOverrides } from '../compose/analyze';
import { SETTING, SETTING_SECTION } from '../ids';

const LEVELS = new Set(['error', 'warning', 'info', 'hint', 'off']);

/**
 * The configured severity of each rule. The rule ids are not checked here: that would bundle every rule, and ajv
 * with the schema, into the extension host for a list of names, and the analysis looks up only the ids it has, so
 * an unknown id does nothing (the settings editor offers only the real ones: package.json, checked by a unit test).
 */
export function ruleSeverities(scope?: vscode.ConfigurationScope): SeverityOverrides {
  const raw = vscode.workspace.getConfiguration(SETTING_SECTION, scope).get<Record<string, unknown>>(SETTING.composeRules, {}) ?? {};
  const out: Record<string, 'error' | 'warning' | 'info' | 'hint' | 'off'> = Object.create(null);
  for (const [id, level] of Object.entries(raw)) {
    if (typeof level === 'string' && LEVELS.has(level)) out[id] = level as 'error';
  }
  return out;
}

export function extraComposeGlobs(scope?: vscode.ConfigurationScope): string[] {
  const raw = vscode.workspace.getConfiguration(SETTING_SECTION, scope).get<unknown[]>(SETTING.composeFiles, []) ?? [];
  return raw.filter((g): g is string => typeof g === 'string' && g.trim() !== '');
}

export function affectsCompose(e: vscode.ConfigurationChangeEvent): boolean {
  return e.affectsConfiguration(`${SETTING_SECTION}.compose`);
}
