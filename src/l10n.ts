/** The one localize function of the adapters (views, commands, language features): vscode.l10n.t. */
import * as vscode from 'vscode';
import type { Localize } from './model/format';

export const localize: Localize = (message, ...args) => vscode.l10n.t(message, ...args);
