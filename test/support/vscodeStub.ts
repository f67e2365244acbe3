/**
 * Just enough of the `vscode` module for the tree providers (src/views/*Tree.ts) and a command that only reports
 * (Test Connectivity) to run in plain mocha, so a unit test can watch what a view shows and which elements it
 * refreshes, at a moment a real workbench cannot be held at (between a list answer and an inspect answer). Import it before anything that imports `vscode`.
 * The real views in the real workbench stay covered by test/host/suite/explorer.test.ts.
 */
import Module from 'node:module';

class EventEmitter<T> {
  private listeners = new Set<(e: T) => void>();
  readonly event = (listener: (e: T) => void) => {
    this.listeners.add(listener);
    return { dispose: () => this.listeners.delete(listener) };
  };
  fire(e: T): void {
    for (const l of [...this.listeners]) l(e);
  }
  dispose(): void {
    this.listeners.clear();
  }
}

enum TreeItemCollapsibleState { None = 0, Collapsed = 1, Expanded = 2 }

class TreeItem {
  id?: string;
  description?: string;
  contextValue?: string;
  iconPath?: unknown;
  tooltip?: unknown;
  constructor(public label: string, public collapsibleState: TreeItemCollapsibleState = TreeItemCollapsibleState.None) {}
}

class ThemeIcon { constructor(public id: string, public color?: unknown) {} }
class ThemeColor { constructor(public id: string) {} }
class MarkdownString { supportThemeIcons = false; constructor(public value = '') {} }

/** Uri.from only (the volume browser's rows name their file with one): the components, and `scheme://authority/path`. */
const Uri = {
  from(c: { scheme: string; authority?: string; path?: string }) {
    const uri = { scheme: c.scheme, authority: c.authority ?? '', path: c.path ?? '' };
    return { ...uri, toString: () => `${uri.scheme}://${uri.authority}${uri.path}` };
  },
};

const fill = (message: string, ...args: unknown[]) => message.replace(/\{(\d+)\}/g, (m, i: string) => (args[Number(i)] !== undefined ? String(args[Number(i)]) : m));

/** A command run without the workbench: progress runs its task at once, messages are dropped, the log is silent. */
const quiet = () => undefined;
const window = {
  withProgress: <R>(_options: unknown, task: (progress: { report: () => void }) => R) => task({ report: quiet }),
  showInformationMessage: async () => undefined,
  showWarningMessage: async () => undefined,
  createOutputChannel: () => ({ trace: quiet, debug: quiet, info: quiet, warn: quiet, error: quiet, show: quiet, dispose: quiet }),
};
enum ProgressLocation { SourceControl = 1, Window = 10, Notification = 15 }

export const vscodeStub = {
  EventEmitter, TreeItem, TreeItemCollapsibleState, ThemeIcon, ThemeColor, MarkdownString, Uri, l10n: { t: fill },
  window, ProgressLocation,
};

type Load = (request: string, parent: unknown, isMain: boolean) => unknown;
const mod = Module as unknown as { _load: Load };
const original = mod._load;
mod._load = function (request, parent, isMain) {
  return request === 'vscode' ? vscodeStub : original.call(this, request, parent, isMain);
};
