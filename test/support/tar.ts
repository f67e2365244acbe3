/** Tar archives made in memory for the backup and restore tests (hostile ones included). */
import { type Header, pack } from 'tar-stream';

export type TarEntry = Partial<Header> & { name: string; body?: string };

/** A tar of `entries`: mode 644 and mtime 0 unless given. */
export async function tarOf(entries: TarEntry[]): Promise<Buffer> {
  const p = pack();
  for (const { body, ...header } of entries) p.entry({ mtime: new Date(0), mode: 0o644, ...header }, body ?? '');
  p.finalize();
  const chunks: Buffer[] = [];
  for await (const c of p) chunks.push(Buffer.from(c as Uint8Array));
  return Buffer.concat(chunks);
}
