/**
 * Every question a command asks goes through one `Prompts` object, handed to the command where it is
 * registered. The real one is built on `vscode.window`; the host tests put a scripted one in its place
 * (through the extension API's `setPrompts`), so a confirmation stays on the code path a user runs:
 * a command called with an argument object still asks before it deletes anything.
 */
import * as vscode from 'vscode';

export interface ConfirmOptions {
  detail?: string;
  /** A modal dialog (the default): used for everything that deletes, replaces or trusts. */
  modal?: boolean;
  /** The buttons, in order. The answer is one of them, or undefined when dismissed (Cancel, Escape). */
  actions: string[];
}

export interface PickOptions<T> extends vscode.QuickPickOptions {
  /** The item highlighted when the list opens (the current value). */
  active?: T;
}

export interface FileOptions {
  title: string;
  openLabel?: string;
  defaultFolder?: string;
  filters?: Record<string, string[]>;
}

export interface Prompts {
  confirm(message: string, options: ConfirmOptions): Promise<string | undefined>;
  pick<T extends vscode.QuickPickItem>(items: readonly T[], options: PickOptions<T>): Promise<T | undefined>;
  /** Ticks any number of items; undefined when dismissed. */
  pickMany<T extends vscode.QuickPickItem>(items: readonly T[], options: vscode.QuickPickOptions): Promise<T[] | undefined>;
  /** Picks an item's label, or takes the text typed when it matches none. */
  pickOrType(items: readonly vscode.QuickPickItem[], options: { placeHolder: string; title?: string }): Promise<string | undefined>;
  input(options: vscode.InputBoxOptions): Promise<string | undefined>;
  /** A folder on this machine (its path), or undefined. */
  pickFolder(options: FileOptions): Promise<string | undefined>;
  /** A file on this machine (its path), or undefined. */
  pickFile(options: FileOptions): Promise<string | undefined>;
  /**
   * Tells the user what a command did: a notification, not a question (nothing to answer). 'warning' when part
   * of the work was not done. Through here, not vscode.window, so a test reads the report the user would read.
   */
  report(level: ReportLevel, message: string): void;
}

export type ReportLevel = 'info' | 'warning' | 'error';

function defaultUri(folder: string | undefined): vscode.Uri | undefined {
  return folder ? vscode.Uri.file(folder) : vscode.workspace.workspaceFolders?.[0]?.uri;
}

/** The dialogs a user sees. */
export const windowPrompts: Prompts = {
  async confirm(message, { detail, modal = true, actions }) {
    return vscode.window.showWarningMessage(message, { modal, detail }, ...actions);
  },
  async pick(items, options) {
    const { active, ...rest } = options;
    if (!active) return vscode.window.showQuickPick(items, { ...rest, canPickMany: false });
    const quickPick = vscode.window.createQuickPick<typeof active>();
    Object.assign(quickPick, { title: rest.title, placeholder: rest.placeHolder, ignoreFocusOut: Boolean(rest.ignoreFocusOut), matchOnDescription: Boolean(rest.matchOnDescription), matchOnDetail: Boolean(rest.matchOnDetail) });
    quickPick.items = items;
    quickPick.activeItems = [active];
    return new Promise((resolve) => {
      quickPick.onDidAccept(() => { resolve(quickPick.selectedItems[0]); quickPick.hide(); });
      quickPick.onDidHide(() => { resolve(undefined); quickPick.dispose(); });
      quickPick.show();
    });
  },
  async pickMany(items, options) {
    return vscode.window.showQuickPick(items, { ...options, canPickMany: true });
  },
  pickOrType(items, { placeHolder, title }) {
    const quickPick = vscode.window.createQuickPick();
    quickPick.items = items;
    quickPick.placeholder = placeHolder;
    quickPick.title = title;
    return new Promise((resolve) => {
      quickPick.onDidAccept(() => { resolve(quickPick.selectedItems[0]?.label ?? (quickPick.value.trim() || undefined)); quickPick.hide(); });
      quickPick.onDidHide(() => { resolve(undefined); quickPick.dispose(); });
      quickPick.show();
    });
  },
  async input(options) {
    return vscode.window.showInputBox(options);
  },
  async pickFolder({ title, openLabel, defaultFolder }) {
    const uris = await vscode.window.showOpenDialog({ title, openLabel, canSelectFolders: true, canSelectFiles: false, canSelectMany: false, defaultUri: defaultUri(defaultFolder) });
    return uris?.[0]?.fsPath;
  },
  async pickFile({ title, openLabel, defaultFolder, filters }) {
    const uris = await vscode.window.showOpenDialog({ title, openLabel, filters, canSelectFiles: true, canSelectFolders: false, canSelectMany: false, defaultUri: defaultUri(defaultFolder) });
    return uris?.[0]?.fsPath;
  },
  report(level, message) {
    const show = level === 'error' ? vscode.window.showErrorMessage : level === 'warning' ? vscode.window.showWarningMessage : vscode.window.showInformationMessage;
    void show(message);
  },
};

/**
 * The `Prompts` commands hold: it forwards to the real dialogs until a test swaps in scripted answers (`use`).
 */
export class SwitchablePrompts implements Prompts {
  private current: Prompts = windowPrompts;

  /** Scripted answers from a test; undefined puts the real dialogs back. */
  use(prompts: Prompts | undefined): void {
    this.current = prompts ?? windowPrompts;
  }

  confirm(message: string, options: ConfirmOptions) { return this.current.confirm(message, options); }
  pick<T extends vscode.QuickPickItem>(items: readonly T[], options: PickOptions<T>) { return this.current.pick(items, options); }
  pickMany<T extends vscode.QuickPickItem>(items: readonly T[], options: vscode.QuickPickOptions) { return this.current.pickMany(items, options); }
  pickOrType(items: readonly vscode.QuickPickItem[], options: { placeHolder: string; title?: string }) { return this.current.pickOrType(items, options); }
  input(options: vscode.InputBoxOptions) { return this.current.input(options); }
  pickFolder(options: FileOptions) { return this.current.pickFolder(options); }
  pickFile(options: FileOptions) { return this.current.pickFile(options); }
  report(level: ReportLevel, message: string) { this.current.report(level, message); }
}
