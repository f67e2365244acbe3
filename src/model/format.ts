/** Sizes as people read them, the same in the trees, code lenses and hovers. */
export function formatBytes(bytes: number): string {
  if (bytes < 0) return '?';
  if (bytes < 1024) return `${bytes} B`;
  const units = ['KB', 'MB', 'GB', 'TB'];
  let value = bytes / 1024;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) { value /= 1024; unit++; }
  return `${value >= 100 ? value.toFixed(0) : value.toFixed(1)} ${units[unit]}`;
}

/** vscode.l10n.t's shape: `{0}` placeholders filled from args. The core and tests use plainLocalize. */
export type Localize = (message: string, ...args: Array<string | number | boolean>) => string;

export const plainLocalize: Localize = (message, ...args) =>
  message.replace(/\{(\d+)\}/g, (m, i: string) => (args[Number(i)] !== undefined ? String(args[Number(i)]) : m));

export function formatDate(ms: number): string {
  return ms ? new Date(ms).toISOString().replace('T', ' ').replace(/\.\d+Z$/, ' UTC') : '—';
}

export type ScheduleInterval = 'hourly' | 'daily' | 'weekly';

/** hourly / daily / weekly, as the volume row, its tooltip and the schedule's messages say it. */
export function intervalWord(interval: ScheduleInterval, t: Localize = plainLocalize): string {
  return { hourly: t('hourly'), daily: t('daily'), weekly: t('weekly') }[interval];
}

/** "1 container", "3 containers": a count with its noun. */
export function plural(count: number, one: string, many = `${one}s`): string {
  return `${count} ${count === 1 ? one : many}`;
}

/** A duration as the backup, restore and clone messages say it: "12.3 s". */
export function formatSeconds(ms: number): string {
  return `${(ms / 1000).toFixed(1)} s`;
}
