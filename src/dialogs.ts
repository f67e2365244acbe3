/** File dialog filters the adapters share: the backup archives a volume can be restored from, verified or browsed. */
import { localize } from './l10n';

export function volumeArchiveFilters(): Record<string, string[]> {
  return { [localize('Volume archives')]: ['tar', 'gz', 'tgz', 'zst'], [localize('All files')]: ['*'] };
}
