/**
 * The volume browser's adapter: a read-only FileSystemProvider (scheme `dnv-volume`) and the Volume Files view
 * over the core's browse sessions (src/browse). A URI names the engine (hex of its id, as the authority), the
 * volume and the path: `dnv-volume://<engine>/<volume>/<path…>`. VS Code's own editors open what it reads (text,
 * image preview, hex), read-only because the provider is registered so.
 */
import * as vscode from 'vscode';
import { type EntryKind, modeString, type VolumeEntry } from '../browse/listing';
import { BrowseError, DEFAULT_HELPER_IMAGES, DEFAULT_MAX_READ_BYTES, findHelperImage, VolumeBrowseSession } from '../browse/session';
import { downloadInto } from '../browse/download';
import { ArchiveBrowseError, type ArchiveIndex, indexArchive, readArchiveFile } from '../browse/archiveSource';
import type { Readable } from 'node:stream';
import * as path from 'node:path';
import { archiveFrom, engineIdFrom, givenArgs } from '../args';
import { COMMAND, CONTEXT, SETTING, SETTING_SECTION, VIEW } from '../ids';
import { localize } from '../l10n';
import type { EngineSet } from '../model/engines';
import { formatBytes, formatDate } from '../model/format';
import { volumeArchiveFilters } from '../dialogs';
import { groupLargeListsAbove } from '../config';
import { folderLike, listingPartition, rangeCounts, sortListing } from './listingRanges';
import { type RangePartition, rangeLabel } from './ranges';

export const VOLUME_SCHEME = 'dnv-volume';
/** A backup archive on disk, browsed like a volume: `dnv-backup://<archive path in hex>/<archive name>/<path…>`. */
export const BACKUP_SCHEME = 'dnv-backup';
/** The engine id of a backup's place: the archive's path after it. */
const BACKUP_PREFIX = 'backup:';
const isBackup = (engineId: string) => engineId.startsWith(BACKUP_PREFIX);
/** The place a backup archive on disk is browsed as: its path is the engine id, its file name the volume. */
const backupPlace = (file: string) => ({ engineId: BACKUP_PREFIX + path.resolve(file), name: path.basename(file) });

/** The questions the browser asks (the commands' injected Prompts has this shape). */
export interface BrowserPrompts {
  confirm(message: string, options: { detail?: string; modal?: boolean; actions: string[] }): Promise<string | undefined>;
  pickFolder(options: { title: string; openLabel?: string }): Promise<string | undefined>;
  pickFile(options: { title: string; openLabel?: string; defaultFolder?: string; filters?: Record<string, string[]> }): Promise<string | undefined>;
}

interface Place { engineId: string; volume: string; path: string }

const hex = (s: string) => Buffer.from(s, 'utf8').toString('hex');
const unhex = (s: string) => Buffer.from(s, 'hex').toString('utf8');

export function volumeUri(engineId: string, volume: string, path = ''): vscode.Uri {
  const rest = path ? `/${path}` : '';
  if (isBackup(engineId)) return vscode.Uri.from({ scheme: BACKUP_SCHEME, authority: hex(engineId.slice(BACKUP_PREFIX.length)), path: `/${volume}${rest}` });
  return vscode.Uri.from({ scheme: VOLUME_SCHEME, authority: hex(engineId), path: `/${volume}${rest}` });
}

function placeOf(uri: vscode.Uri): Place {
  const [volume = '', ...rest] = uri.path.split('/').filter((s) => s !== '');
  return { engineId: uri.scheme === BACKUP_SCHEME ? BACKUP_PREFIX + unhex(uri.authority) : unhex(uri.authority), volume, path: rest.join('/') };
}

const fileType = (kind: EntryKind | undefined): vscode.FileType => (kind === 'dir' ? vscode.FileType.Directory : kind === 'file' ? vscode.FileType.File : vscode.FileType.Unknown);

function typeOf(entry: VolumeEntry): vscode.FileType {
  if (entry.kind !== 'symlink') return fileType(entry.kind);
  return vscode.FileType.SymbolicLink | (entry.linkKind === 'dir' ? vscode.FileType.Directory : entry.linkKind === 'file' ? vscode.FileType.File : vscode.FileType.Unknown);
}

function fsError(e: unknown, uri: vscode.Uri): unknown {
  if (e instanceof BrowseError || e instanceof ArchiveBrowseError) {
    if (e.kind === 'notFound') return vscode.FileSystemError.FileNotFound(uri);
    if (e.kind === 'notFolder') return vscode.FileSystemError.FileNotADirectory(uri);
    if (e.kind === 'notFile') return vscode.FileSystemError.FileIsADirectory(uri);
    return vscode.FileSystemError.NoPermissions(e.message);
  }
  return e;
}

export interface VolumeBrowserApi {
  /** Browse Files: shows a volume in the Volume Files view (arg: a volume row, or { name, engine }). */
  browse(arg: unknown): Promise<void>;
  download(node: unknown): Promise<void>;
  compareWithFile(node: unknown): Promise<void>;
  /** The same path in a backup archive (`archive`, else picked), side by side with the file. */
  compareWithBackup(node: unknown, archive?: unknown): Promise<void>;
  stop(node: unknown): Promise<void>;
  /** Browse Backup Files: a backup archive on disk (arg { archive }, else a file picker), read-only. */
  browseBackup(arg: unknown): Promise<void>;
  refresh(): void;
  /** The sessions' file system (tests read through it). */
  provider: VolumeFileSystem;
  /** What the view shows (tests). */
  tree: VolumeFilesTree;
  /** The Volume Files view (tests: reveal, selection). */
  view: vscode.TreeView<FileNode>;
}

/** What the view and the file system read: a volume's browse session, or a backup archive's index. */
interface Source {
  list(path: string): Promise<VolumeEntry[]>;
  stat(path: string): Promise<VolumeEntry>;
  readFile(path: string): Promise<Uint8Array>;
  /** A tar stream of the path (volumes only: a backup is already an archive). */
  archive?(path: string, signal?: AbortSignal): Promise<Readable>;
  dispose(): Promise<void>;
}

class BackupSource implements Source {
  private index: Promise<ArchiveIndex> | undefined;
  constructor(readonly file: string) {}
  private indexed(): Promise<ArchiveIndex> {
    this.index ??= indexArchive(this.file);
    return this.index;
  }
  async list(p: string) { return (await this.indexed()).list(p); }
  async stat(p: string) {
    const entry = (await this.indexed()).stat(p);
    if (!entry) throw new ArchiveBrowseError('notFound', localize('{0} is not in the archive.', p));
    return entry;
  }
  async readFile(p: string) { return readArchiveFile(this.file, await this.indexed(), p, DEFAULT_MAX_READ_BYTES); }
  async dispose() { /* nothing held open between reads */ }
}

/** One session per engine and volume (or backup archive); the helper image per engine, asked about once. */
class Sessions {
  private readonly sessions = new Map<string, Source>();
  private readonly images = new Map<string, Promise<string>>();

  constructor(private readonly engines: EngineSet, private readonly prompts: BrowserPrompts, private readonly memento: vscode.Memento) {}

  private clientOf(engineId: string) {
    const entry = this.engines.entries().find((e) => e.id === engineId);
    if (!entry) throw new BrowseError('failed', localize('The engine of this volume is no longer configured.'));
    return entry.store.client;
  }

  /** The helper image for an engine: the setting, else the first of the usual small images it already has. */
  private async image(engineId: string): Promise<string> {
    const client = this.clientOf(engineId);
    const configured = vscode.workspace.getConfiguration(SETTING_SECTION).get<string>(SETTING.browseHelperImage, '').trim();
    const image = await findHelperImage(client, configured ? [configured] : DEFAULT_HELPER_IMAGES);
    if (!image) {
      throw new BrowseError('noImage', configured
        ? localize('The engine at {0} has no image {1} (set in {2}). Nothing is pulled: pull it yourself, or choose another image.', client.label, configured, `${SETTING_SECTION}.${SETTING.browseHelperImage}`)
        : localize('Browsing a volume needs a small image with sh, find and stat on the engine at {0}, such as busybox or alpine, and it has none. Nothing is pulled: run `docker pull busybox` yourself, or name an image in {1}.', client.label, `${SETTING_SECTION}.${SETTING.browseHelperImage}`));
    }
    const key = `browse.allowed:${engineId}:${image}`;
    if (!this.memento.get<boolean>(key)) {
      const allow = localize('Allow');
      const answer = await this.prompts.confirm(localize('Browse volumes with a helper container from image {0}?', image), {
        modal: true,
        detail: localize('The volume is mounted read-only, with no network, in a container of {0} on {1} (already there: nothing is pulled). Folders are listed with find and stat in it; files are read through the engine\'s archive API. The container is removed after two minutes without use.', image, client.label),
        actions: [allow],
      });
      if (answer !== allow) throw new vscode.CancellationError();
      await this.memento.update(key, true);
    }
    return image;
  }

  async session(engineId: string, volume: string): Promise<Source> {
    const key = JSON.stringify([engineId, volume]);
    const existing = this.sessions.get(key);
    if (existing) return existing;
    if (isBackup(engineId)) {
      const source = new BackupSource(engineId.slice(BACKUP_PREFIX.length));
      this.sessions.set(key, source);
      return source;
    }
    let image = this.images.get(engineId);
    if (!image) {
      image = this.image(engineId);
      this.images.set(engineId, image);
      image.catch(() => this.images.delete(engineId));
    }
    const made = new VolumeBrowseSession(this.clientOf(engineId), volume, await image);
    const raced = this.sessions.get(key);
    if (raced) return raced;
    this.sessions.set(key, made);
    return made;
  }

  /** The volume session whose helper container is `id` (a full id or its start), if any. */
  async byHelper(id: string): Promise<{ engineId: string; volume: string } | undefined> {
    for (const [key, source] of this.sessions) {
      const helper = source instanceof VolumeBrowseSession ? await source.helperId() : undefined;
      if (helper && id.length >= 12 && helper.startsWith(id)) {
        const [engineId, volume] = JSON.parse(key) as [string, string];
        return { engineId, volume };
      }
    }
    return undefined;
  }

  async end(engineId: string, volume: string): Promise<void> {
    const key = JSON.stringify([engineId, volume]);
    const s = this.sessions.get(key);
    this.sessions.delete(key);
    await s?.dispose();
  }

  async dispose(): Promise<void> {
    await Promise.all([...this.sessions.values()].map((s) => s.dispose()));
    this.sessions.clear();
  }
}

export class VolumeFileSystem implements vscode.FileSystemProvider {
  private readonly changes = new vscode.EventEmitter<vscode.FileChangeEvent[]>();
  readonly onDidChangeFile = this.changes.event;

  constructor(readonly sessions: Sessions, private readonly offerDownload: (uri: vscode.Uri, size: number) => void) {}

  private async with<T>(uri: vscode.Uri, work: (s: Source, path: string) => Promise<T>): Promise<T> {
    const { engineId, volume, path } = placeOf(uri);
    try {
      return await work(await this.sessions.session(engineId, volume), path);
    } catch (e) {
      throw fsError(e, uri);
    }
  }

  watch(): vscode.Disposable {
    // No events from inside a volume; Refresh lists again.
    return new vscode.Disposable(() => undefined);
  }

  stat(uri: vscode.Uri): Promise<vscode.FileStat> {
    return this.with(uri, async (s, path) => {
      const entry = await s.stat(path);
      return { type: typeOf(entry), size: entry.size, mtime: entry.mtimeMs, ctime: entry.mtimeMs, permissions: vscode.FilePermission.Readonly };
    });
  }

  readDirectory(uri: vscode.Uri): Promise<[string, vscode.FileType][]> {
    return this.with(uri, async (s, path) => (await s.list(path)).map((e) => [e.name, typeOf(e)]));
  }

  readFile(uri: vscode.Uri): Promise<Uint8Array> {
    return this.with(uri, async (s, path) => {
      try {
        return await s.readFile(path);
      } catch (e) {
        if ((e instanceof BrowseError || e instanceof ArchiveBrowseError) && e.kind === 'tooLarge') this.offerDownload(uri, e.size ?? 0);
        throw e;
      }
    });
  }

  private readOnly(): never {
    throw vscode.FileSystemError.NoPermissions(localize('Volumes are browsed read-only.'));
  }
  createDirectory(): void { this.readOnly(); }
  writeFile(): void { this.readOnly(); }
  delete(): void { this.readOnly(); }
  rename(): void { this.readOnly(); }
}

export type FileNode =
  | { kind: 'root'; engineId: string; volume: string; engineLabel: string }
  | { kind: 'entry'; engineId: string; volume: string; path: string; entry: VolumeEntry; parent: FileNode }
  /**
   * Consecutive entries of a large folder (`path`: the folder's, '' for the volume's root; `id`: the range's, see
   * listingRanges.ts). Its rows are a slice of the folder's one listing; `parent` is the folder's row.
   */
  | { kind: 'range'; engineId: string; volume: string; path: string; id: string; parent: FileNode };

type FolderNode = Extract<FileNode, { kind: 'root' | 'entry' }>;

export class VolumeFilesTree implements vscode.TreeDataProvider<FileNode> {
  private readonly changed = new vscode.EventEmitter<FileNode | undefined>();
  readonly onDidChangeTreeData = this.changed.event;
  roots: Extract<FileNode, { kind: 'root' }>[] = [];

  /** A new root's listing, made by Browse Files before the view shows it: its first expansion uses it once. */
  private readonly primed = new Map<FileNode, VolumeEntry[]>();
  /**
   * A short key per browsed place (engine and volume), the start of its entries' row ids. Every row's id and its
   * parent's travel to the workbench with it: with the engine id and the volume name in them, they were about a
   * sixth of what a folder of 10,000 files sent. The same place keeps its key, so its ids stay the same.
   */
  private readonly placeKeys = new Map<string, string>();

  /**
   * The partition of each folder shown in ranges, by its row key: it holds the folder's last listing (the ranges
   * are slices of it, so opening a range lists nothing) and its boundaries (so range ids survive a Refresh).
   */
  private readonly partitions = new Map<string, RangePartition<VolumeEntry>>();

  /**
   * `groupAbove`: above this many entries a folder shows name ranges (the Volumes view's setting, Group Large Lists
   * Above); 0: never.
   */
  constructor(private readonly sessions: Sessions, private readonly groupAbove: () => number = () => 0) {}

  refresh(node?: FileNode): void {
    this.changed.fire(node);
  }

  /** Drops what the tree holds of a place no longer browsed (its folders' listings). */
  forget(engineId: string, volume: string): void {
    const prefix = `${this.placeKey(engineId, volume)}/`;
    for (const key of [...this.partitions.keys()]) if (key.startsWith(prefix)) this.partitions.delete(key);
  }

  /** A folder's key: the start of its rows' ids (`e0/` the root's, `e0/many` a folder's). */
  private folderKey(node: { engineId: string; volume: string; path: string }): string {
    return `${this.placeKey(node.engineId, node.volume)}/${node.path}`;
  }

  private placeKey(engineId: string, volume: string): string {
    const place = JSON.stringify([engineId, volume]);
    let key = this.placeKeys.get(place);
    if (key === undefined) {
      key = `e${this.placeKeys.size}`;
      this.placeKeys.set(place, key);
    }
    return key;
  }

  prime(root: FileNode, entries: VolumeEntry[]): void {
    this.primed.set(root, entries);
  }

  async getChildren(node?: FileNode): Promise<FileNode[]> {
    if (!node) return this.roots;
    if (node.kind === 'range') return this.rangeRows(node);
    const path = node.kind === 'root' ? '' : node.path;
    let entries: VolumeEntry[];
    try {
      const primed = this.primed.get(node);
      this.primed.delete(node);
      entries = primed ?? await (await this.sessions.session(node.engineId, node.volume)).list(path);
    } catch (e) {
      if (e instanceof BrowseError || e instanceof ArchiveBrowseError) { void vscode.window.showWarningMessage(e.message); return []; }
      throw e;
    }
    sortListing(entries);
    const key = this.folderKey({ ...node, path });
    const partition = this.partitions.get(key) ?? listingPartition();
    const ranges = partition.layout(entries, this.groupAbove());
    if (!ranges) {
      this.partitions.delete(key);
      return entries.map((entry) => this.entryNode(node, path, entry, node));
    }
    this.partitions.set(key, partition);
    return ranges.map((r) => ({ kind: 'range', engineId: node.engineId, volume: node.volume, path, id: r.id, parent: node }));
  }

  private entryNode(folder: FolderNode, path: string, entry: VolumeEntry, parent: FileNode): FileNode {
    return { kind: 'entry', engineId: folder.engineId, volume: folder.volume, path: path ? `${path}/${entry.name}` : entry.name, entry, parent };
  }

  /** A range's entries: a slice of its folder's last listing (no listing of its own). */
  private rangeOf(node: Extract<FileNode, { kind: 'range' }>): VolumeEntry[] {
    return this.partitions.get(this.folderKey(node))?.ranges?.find((r) => r.id === node.id)?.items ?? [];
  }

  private rangeRows(node: Extract<FileNode, { kind: 'range' }>): FileNode[] {
    const folder = node.parent as FolderNode;
    return this.rangeOf(node).map((entry) => this.entryNode(folder, node.path, entry, node));
  }

  /**
   * The hover, built when a row is hovered, not with the row: a folder of 10,000 files sent 10,000 Markdown
   * tooltips to the workbench, which the extension host parsed one by one (marked's lexer) before the first row
   * showed (docs/BENCHMARKS.md, volume browser in the workbench).
   */
  resolveTreeItem(item: vscode.TreeItem, node: FileNode): vscode.TreeItem {
    if (node.kind === 'entry') item.tooltip = entryTooltip(node.entry);
    if (node.kind === 'range') {
      const items = this.rangeOf(node);
      item.tooltip = localize('{0}, from {1} to {2}. Folders this large are shown in ranges (setting: Group Large Lists Above).',
        countOf(items), shownNameOf(items[0]?.name ?? ''), shownNameOf(items.at(-1)?.name ?? ''));
    }
    return item;
  }

  getParent(node: FileNode): FileNode | undefined {
    return node.kind === 'root' ? undefined : node.parent;
  }

  getTreeItem(node: FileNode): vscode.TreeItem {
    if (node.kind === 'range') {
      const items = this.rangeOf(node);
      const first = items[0];
      const last = items.at(-1);
      // First and last names, so a user knows which range holds a name (the tree's find sees only rows shown).
      const item = new vscode.TreeItem(first && last ? rangeLabel(shownNameOf(first.name), shownNameOf(last.name)) : localize('(gone)'), vscode.TreeItemCollapsibleState.Collapsed);
      // A path never holds `//`, so no entry's id is a range's.
      item.id = `${this.folderKey(node)}//${node.id}`;
      item.description = countOf(items);
      item.contextValue = 'volumeFiles.range';
      item.iconPath = new vscode.ThemeIcon('list-unordered');
      return item;
    }
    if (node.kind === 'root') {
      const item = new vscode.TreeItem(node.volume, vscode.TreeItemCollapsibleState.Expanded);
      item.id = `root:${node.engineId}:${node.volume}`;
      item.iconPath = new vscode.ThemeIcon(isBackup(node.engineId) ? 'archive' : 'database');
      item.description = node.engineLabel;
      item.contextValue = 'volumeFiles.root';
      item.resourceUri = volumeUri(node.engineId, node.volume);
      return item;
    }
    const { entry } = node;
    const uri = volumeUri(node.engineId, node.volume, node.path);
    const shownName = shownNameOf(entry.name);
    const item = new vscode.TreeItem(shownName, folderLike(entry) ? vscode.TreeItemCollapsibleState.Collapsed : vscode.TreeItemCollapsibleState.None);
    item.id = `${this.placeKey(node.engineId, node.volume)}/${node.path}`;
    item.resourceUri = uri;
    const mode = modeString(entry.kind, entry.mode);
    const size = entry.kind === 'file' ? formatBytes(entry.size) : '';
    const owner = `${entry.uid}:${entry.gid}`;
    item.description = [size, mode, owner].filter(Boolean).join(' · ');
    item.contextValue = `volumeFiles.${folderLike(entry) ? 'folder' : entry.kind === 'file' || entry.linkKind === 'file' ? 'file' : 'special'}`;
    if (item.contextValue === 'volumeFiles.file') {
      item.command = { command: 'vscode.open', title: localize('Open'), arguments: [uri] };
    } else if (item.contextValue === 'volumeFiles.special') {
      item.iconPath = new vscode.ThemeIcon(entry.kind === 'symlink' ? 'file-symlink-file' : 'circle-slash');
    }
    return item;
  }
}

/** A range's count as its row says it: "250 files", "12 folders", "3 folders, 247 files". */
function countOf(items: readonly VolumeEntry[]): string {
  const { folders, files } = rangeCounts(items);
  const ofFolders = folders === 1 ? localize('1 folder') : localize('{0} folders', folders.toLocaleString('en-US'));
  const ofFiles = files === 1 ? localize('1 file') : localize('{0} files', files.toLocaleString('en-US'));
  if (!folders) return ofFiles;
  if (!files) return ofFolders;
  return localize('{0}, {1}', ofFolders, ofFiles);
}

/** An entry's name as shown: one with newlines or control characters escaped, never as it is. */
const shownNameOf = (name: string) => (JSON.stringify(name).slice(1, -1) === name ? name : JSON.stringify(name));

/** The hover of an entry's row: size, mode, owner, time, where a symlink leads. */
export function entryTooltip(entry: VolumeEntry): vscode.MarkdownString {
  const lines = [
    `**${shownNameOf(entry.name)}**`,
    '',
    `${localize('Size')}: ${formatBytes(entry.size)} (${entry.size.toLocaleString('en-US')} B)`,
    `${localize('Mode')}: \`${modeString(entry.kind, entry.mode)}\` (${entry.mode.toString(8).padStart(4, '0')})`,
    `${localize('Owner')}: ${localize('user {0}, group {1}', entry.uid, entry.gid)}`,
    `${localize('Modified')}: ${formatDate(entry.mtimeMs)}`,
  ];
  if (entry.kind === 'symlink') {
    lines.push(`${localize('Symlink to')}: \`${JSON.stringify(entry.linkTarget ?? '')}\`${entry.linkResolved === undefined ? ` (${localize('outside the volume, or missing: not followed')})` : ''}`);
  }
  if (!['file', 'dir', 'symlink'].includes(entry.kind)) lines.push(localize('A special file ({0}): not opened.', entry.kind));
  const tooltip = new vscode.MarkdownString(lines.join('  \n'));
  tooltip.supportHtml = false;
  return tooltip;
}

function nodeOf(node: unknown, tree: VolumeFilesTree): FolderNode | undefined {
  if (node && typeof node === 'object' && 'kind' in node && (node.kind === 'root' || node.kind === 'entry')) return node as FolderNode;
  // A range row is no file: no command acts on it (package.json offers none), and none falls back to a volume.
  if (node && typeof node === 'object' && 'kind' in node && node.kind === 'range') return undefined;
  return tree.roots[0];
}

export function createVolumeBrowser(engines: EngineSet, prompts: BrowserPrompts, memento: vscode.Memento, subscriptions: { dispose(): unknown }[]): VolumeBrowserApi {
  const sessions = new Sessions(engines, prompts, memento);
  const downloadLabel = localize('Download…');
  const provider = new VolumeFileSystem(sessions, (uri, size) => {
    void vscode.window.showWarningMessage(localize('{0} is {1}, too large to open in the editor.', placeOf(uri).path, formatBytes(size)), downloadLabel).then((answer) => {
      if (answer === downloadLabel) void vscode.commands.executeCommand(COMMAND.downloadVolumeFile, uri);
    });
  });
  const tree = new VolumeFilesTree(sessions, groupLargeListsAbove);
  const view = vscode.window.createTreeView(VIEW.volumeFiles, { treeDataProvider: tree, showCollapseAll: true });
  const setBrowsing = () => void vscode.commands.executeCommand('setContext', CONTEXT.browsing, tree.roots.length > 0);
  subscriptions.push(
    vscode.workspace.registerFileSystemProvider(VOLUME_SCHEME, provider, { isReadonly: true, isCaseSensitive: true }),
    vscode.workspace.registerFileSystemProvider(BACKUP_SCHEME, provider, { isReadonly: true, isCaseSensitive: true }),
    view,
    { dispose: () => void sessions.dispose() },
    // Open folders are listed again and shown flat or in ranges by the new threshold.
    vscode.workspace.onDidChangeConfiguration((e) => { if (e.affectsConfiguration(`${SETTING_SECTION}.${SETTING.groupLargeLists}`)) tree.refresh(); }),
  );

  /** A tree node, or a dnv-volume URI (the editor's title menu, the too-large message). */
  const placeFrom = (arg: unknown): Place | undefined => {
    if (arg instanceof vscode.Uri && (arg.scheme === VOLUME_SCHEME || arg.scheme === BACKUP_SCHEME)) return placeOf(arg);
    const node = nodeOf(arg, tree);
    if (!node) return undefined;
    return { engineId: node.engineId, volume: node.volume, path: node.kind === 'root' ? '' : node.path };
  };

  return {
    provider,
    tree,
    view,
    refresh: () => tree.refresh(),
    async browse(arg) {
      const a = (arg ?? {}) as { name?: unknown; engine?: unknown };
      const volume = typeof a.name === 'string' ? a.name : undefined;
      const store = engines.store(engineIdFrom(arg));
      const entry = engines.entries().find((e) => e.store === store)!;
      if (!volume) throw new Error(localize('Browse Files needs a volume: run it from a volume in the Volumes view.'));
      if (!store.volume(volume) && store.listed('volumes')) throw new Error(localize('There is no volume {0} on {1}.', volume, store.client.label));
      // Asks about the helper image (once) before the view shows anything. The root's listing is what proves the
      // volume can be browsed, and the view's first expansion shows it: one exec in the new helper, not a stat and
      // then a listing (an exec cost 0.3-0.8 s on the loaded 2-core machine, docs/BENCHMARKS.md).
      const session = await sessions.session(entry.id, volume);
      const top = await session.list('');
      let root = tree.roots.find((r) => r.engineId === entry.id && r.volume === volume);
      if (!root) {
        root = { kind: 'root', engineId: entry.id, volume, engineLabel: entry.label };
        tree.prime(root, top);
        tree.roots = [...tree.roots, root];
        setBrowsing();
        tree.refresh();
      }
      await view.reveal(root, { focus: true, select: true, expand: true }).then(undefined, () => undefined);
    },
    async browseBackup(arg) {
      const file = archiveFrom(arg) ?? await prompts.pickFile({
        title: localize('Backup to browse'), openLabel: localize('Browse'),
        filters: volumeArchiveFilters(),
      });
      if (!file) return;
      const { engineId, name } = backupPlace(file);
      // Indexes the archive (one pass over its headers) before the view shows it: an unreadable file says so here.
      await (await sessions.session(engineId, name)).list('');
      let root = tree.roots.find((r) => r.engineId === engineId);
      if (!root) {
        root = { kind: 'root', engineId, volume: name, engineLabel: path.dirname(path.resolve(file)) };
        tree.roots = [...tree.roots, root];
        setBrowsing();
        tree.refresh();
      }
      await view.reveal(root, { focus: true, select: true, expand: true }).then(undefined, () => undefined);
    },
    async stop(arg) {
      // Remove Volume passes the helper container that holds the volume: the session whose helper it is ends.
      const helperContainer = givenArgs<{ helperContainer: unknown }>(arg)?.helperContainer;
      const helper = typeof helperContainer === 'string' ? helperContainer : undefined;
      const node = helper !== undefined ? await sessions.byHelper(helper).then((p) => p && { kind: 'root' as const, ...p }) : nodeOf(arg, tree);
      if (!node) return;
      tree.roots = tree.roots.filter((r) => !(r.engineId === node.engineId && r.volume === node.volume));
      setBrowsing();
      tree.refresh();
      // Its editors close too: an open one would ask the file system again and start a new helper.
      const rootUri = volumeUri(node.engineId, node.volume);
      const within = (uri: unknown) => uri instanceof vscode.Uri && uri.scheme === rootUri.scheme && uri.authority === rootUri.authority
        && (uri.path === rootUri.path || uri.path.startsWith(`${rootUri.path}/`));
      const tabs = vscode.window.tabGroups.all.flatMap((g) => g.tabs).filter((t) => {
        const input = t.input as { uri?: unknown; original?: unknown; modified?: unknown } | undefined;
        return within(input?.uri) || within(input?.original) || within(input?.modified);
      });
      if (tabs.length) await vscode.window.tabGroups.close(tabs);
      tree.forget(node.engineId, node.volume);
      await sessions.end(node.engineId, node.volume);
    },
    async download(arg) {
      const place = placeFrom(arg);
      if (!place) return;
      const folder = await prompts.pickFolder({ title: localize('Download {0} into…', place.path || place.volume), openLabel: localize('Download Here') });
      if (!folder) return;
      const session = await sessions.session(place.engineId, place.volume);
      if (!session.archive) throw new Error(localize('A backup is already an archive: restore it (Restore Volume from Archive…) or extract it with tar.'));
      const archive = session.archive.bind(session);
      const result = await vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title: localize('Downloading {0}', place.path || place.volume), cancellable: true }, async (progress, token) => {
        const abort = new AbortController();
        token.onCancellationRequested(() => abort.abort());
        const tar = await archive(place.path, abort.signal);
        return downloadInto(tar, folder, place.path ? place.path.split('/').pop()! : place.volume, {
          signal: abort.signal,
          onProgress: (bytes) => progress.report({ message: formatBytes(bytes) }),
        });
      });
      const skipped = result.skipped.length ? ' ' + localize('Left out (not a file or folder): {0}.', result.skipped.length) : '';
      void vscode.window.showInformationMessage(localize('Downloaded {0} files ({1}) into {2}.', result.files, formatBytes(result.bytes), result.target) + skipped);
    },
    async compareWithFile(arg) {
      const place = placeFrom(arg);
      if (!place?.path) return;
      const file = await prompts.pickFile({ title: localize('Compare {0} with…', place.path), openLabel: localize('Compare') });
      if (!file) return;
      const left = volumeUri(place.engineId, place.volume, place.path);
      await vscode.commands.executeCommand('vscode.diff', left, vscode.Uri.file(file), localize('{0} (volume {1}) ↔ {2}', place.path, place.volume, vscode.workspace.asRelativePath(file)));
    },
    async compareWithBackup(arg, archive) {
      const place = placeFrom(arg);
      if (!place?.path) return;
      const file = typeof archive === 'string' ? archive : await prompts.pickFile({
        title: localize('Compare {0} with the same file in the backup…', place.path), openLabel: localize('Compare'),
        filters: volumeArchiveFilters(),
      });
      if (!file) return;
      const { engineId, name } = backupPlace(file);
      // The archive is indexed first, so a path it does not hold is said plainly instead of an empty diff side.
      const backup = await sessions.session(engineId, name);
      const entry = await backup.stat(place.path).catch((e: unknown) => { if (e instanceof ArchiveBrowseError && e.kind === 'notFound') return undefined; throw e; });
      if (!entry) throw new Error(localize('{0} is not in the backup {1}.', place.path, name));
      const left = volumeUri(place.engineId, place.volume, place.path);
      await vscode.commands.executeCommand('vscode.diff', left, volumeUri(engineId, name, place.path), localize('{0} (volume {1}) ↔ backup {2}', place.path, place.volume, name));
    },
  };
}
