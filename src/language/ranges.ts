/** The one conversion from the core's offsets and ranges to the editor's. */
import * as vscode from 'vscode';
import type { Range } from '../compose/parse';
import type { ComposeModel } from '../compose/declarations';

export function toRange(range: Range): vscode.Range {
  return new vscode.Range(range.start.line, range.start.character, range.end.line, range.end.character);
}

export function spanRange(model: ComposeModel, start: number, end: number): vscode.Range {
  return toRange(model.parsed.lines.range(start, end));
}
