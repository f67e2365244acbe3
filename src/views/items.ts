/** Turns a pure row description into a vscode.TreeItem; tooltips are filled in lazily by resolveTreeItem. */
import * as vscode from 'vscode';
import type { RowDescription } from './describe';

export function toTreeItem(id: string, row: RowDescription, collapsible: vscode.TreeItemCollapsibleState): vscode.TreeItem {
  const item = new vscode.TreeItem(row.label, collapsible);
  item.id = id;
  item.description = row.description;
  item.contextValue = row.contextValue;
  item.iconPath = new vscode.ThemeIcon(row.icon.id, row.icon.color ? new vscode.ThemeColor(row.icon.color) : undefined);
  return item;
}

export function groupItem(id: string, label: string, description: string, icon: string, contextValue: string): vscode.TreeItem {
  const item = new vscode.TreeItem(label, vscode.TreeItemCollapsibleState.Expanded);
  item.id = id;
  item.description = description;
  item.contextValue = contextValue;
  item.iconPath = new vscode.ThemeIcon(icon);
  return item;
}

export function markdownTooltip(markdown: string): vscode.MarkdownString {
  const md = new vscode.MarkdownString(markdown);
  md.supportThemeIcons = true;
  return md;
}
