/**
 * A volume folder's listing in the Volume Files view, in the order VS Code's explorer shows a folder (folders first,
 * then the rest, each in natural name order), and above a threshold in name ranges: the same partition as the
 * Volumes view's large lists (ranges.ts), so a folder of 10,000 files opens as 40 rows of 250 instead of sending
 * 10,000 rows to the workbench at once. The folder is listed once; its ranges are slices of that listing.
 * Pure (no vscode import): unit-tested in plain mocha.
 */
import type { VolumeEntry } from '../browse/listing';
import { naturalOrder } from './describe';
import { RangePartition } from './ranges';

/** A folder, or a symlink to one inside the volume: shown and sorted as a folder. */
export const folderLike = (e: VolumeEntry): boolean => e.kind === 'dir' || (e.kind === 'symlink' && e.linkKind === 'dir');

/** Folders first, then the rest; by name in natural order within each. */
export const listingOrder = (a: VolumeEntry, b: VolumeEntry): number =>
  Number(folderLike(b)) - Number(folderLike(a)) || naturalOrder.compare(a.name, b.name);

/** Sorts a listing in place into the view's order, and returns it. */
export function sortListing(entries: VolumeEntry[]): VolumeEntry[] {
  return entries.sort(listingOrder);
}

/**
 * The partition of one folder's listing. A range's id is its first entry's name (the first range's ''), and the
 * partition keeps its boundaries between layouts, so the same folder listed again (Refresh) has the same range ids
 * and the workbench keeps the open ones open.
 */
export function listingPartition(): RangePartition<VolumeEntry> {
  return new RangePartition<VolumeEntry>(listingOrder, (e) => e.name);
}

/** What a range holds: its folders (and links to folders) and the rest (files, links, special files). */
export function rangeCounts(items: readonly VolumeEntry[]): { folders: number; files: number } {
  let folders = 0;
  for (const e of items) if (folderLike(e)) folders++;
  return { folders, files: items.length - folders };
}
