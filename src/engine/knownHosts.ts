/**
 * OpenSSH known_hosts checks for ssh:// engines. ssh2 trusts any host key unless told otherwise, so every
 * connection is checked here: a known key passes, a changed key is refused, an unknown key is refused or, in
 * the editor, asked about.
 */
import { createHash, createHmac } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';

export type HostKeyVerdict = 'known' | 'changed' | 'unknown';

/** The form ssh-keygen -l prints: SHA256: and unpadded base64 of the key blob's hash. */
export function fingerprint(keyBlob: Buffer): string {
  return `SHA256:${createHash('sha256').update(keyBlob).digest('base64').replace(/=+$/, '')}`;
}

/** How known_hosts names a host: plain on port 22, else [host]:port. */
export function hostPattern(host: string, port: number): string {
  return port === 22 ? host : `[${host}]:${port}`;
}

function globMatch(pattern: string, name: string): boolean {
  // Only * and ? are special in known_hosts patterns; brackets ([host]:port) and dots are literal.
  const re = new RegExp(`^${pattern.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*').replace(/\?/g, '.')}$`, 'i');
  return re.test(name);
}

function hostMatches(field: string, name: string): boolean {
  if (field.startsWith('|1|')) {
    // Hashed entry: |1|base64(salt)|base64(HMAC-SHA1(salt, name))
    const [, , salt, hash] = field.split('|');
    if (!salt || !hash) return false;
    return createHmac('sha1', Buffer.from(salt, 'base64')).update(name).digest('base64') === hash;
  }
  let matched = false;
  for (const pattern of field.split(',')) {
    if (pattern.startsWith('!')) {
      if (globMatch(pattern.slice(1), name)) return false;
    } else if (globMatch(pattern, name)) {
      matched = true;
    }
  }
  return matched;
}

/** Checks a host key against known_hosts files (the user's, then the system's). */
export function checkHostKey(files: string[], host: string, port: number, keyBlob: Buffer): HostKeyVerdict {
  const name = hostPattern(host, port);
  const offered = keyBlob.toString('base64');
  // The blob starts with its type as an SSH string (uint32 length, then the name).
  const offeredType = keyBlob.length > 4 ? keyBlob.subarray(4, 4 + keyBlob.readUInt32BE(0)).toString() : '';
  let seenHost = false;
  for (const file of files) {
    if (!existsSync(file)) continue;
    for (const raw of readFileSync(file, 'utf8').split('\n')) {
      const line = raw.trim();
      if (!line || line.startsWith('#')) continue;
      const parts = line.split(/\s+/);
      if (parts[0].startsWith('@')) continue; // @cert-authority / @revoked: not used for plain host keys here
      const [hosts, type, key] = parts;
      if (!key || !hostMatches(hosts, name)) continue;
      if (key === offered) return 'known';
      // Another key of the same type for this host: the key changed. A key of another type says nothing.
      if (type === offeredType) seenHost = true;
    }
  }
  return seenHost ? 'changed' : 'unknown';
}
