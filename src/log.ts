/** The extension's one output channel. */
import * as vscode from 'vscode';

let channel: vscode.LogOutputChannel | undefined;

export function log(): vscode.LogOutputChannel {
  channel ??= vscode.window.createOutputChannel('Docker Networks & Volumes', { log: true });
  return channel;
}
