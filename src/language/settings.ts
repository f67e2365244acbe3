/** The Compose settings: per-rule severities and extra file globs. */
import * as vscode from 'vscode';
import type { SeverityOverrides } from '../compose/analyze';
import { RULE_IDS } from '../compose/rules';
import { SETTING, SETTING_SECTION } from '../ids';

const LEVELS = new Set(['error', 'warning', 'info', 'hint', 'off']);

export function ruleSeverities(scope?: vscode.ConfigurationScope): SeverityOverrides {
  const raw = vscode.workspace.getConfiguration(SETTING_SECTION, scope).get<Record<string, unknown>>(SETTING.composeRules, {}) ?? {};
  const out: Record<string, 'error' | 'warning' | 'info' | 'hint' | 'off'> = {};
  for (const [id, level] of Object.entries(raw)) {
    if (RULE_IDS.includes(id) && typeof level === 'string' && LEVELS.has(level)) out[id] = level as 'error';
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
