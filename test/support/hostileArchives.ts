/**
 * Archives an attacker would hand to restore, one per class the guard refuses, with the reason it must give.
 * Shared by the restore tests on Docker (test/engine/backup.test.ts) and on Podman (test/engine/remote.test.ts).
 */
import type { TarEntry } from './tar';

export interface HostileArchiveCase {
  name: string;
  entries: TarEntry[];
  /** What the refusal must say. */
  reason: RegExp;
}

/** `hostFile`: an absolute path on this machine that a successful escape would create. */
export function hostileArchiveCases(hostFile: string): HostileArchiveCase[] {
  return [
    { name: 'absolute path', entries: [{ name: 'ok.txt', body: 'x' }, { name: hostFile, body: 'x' }], reason: /absolute path/ },
    { name: '".." in a path', entries: [{ name: 'ok.txt', body: 'x' }, { name: '../../../../../../../..' + hostFile, body: 'x' }], reason: /"\.\."/ },
    { name: '".." hidden in the middle', entries: [{ name: 'a/../../escape.txt', body: 'x' }], reason: /"\.\."/ },
    { name: 'symlink to an absolute path', entries: [{ name: 'etc', type: 'symlink', linkname: '/etc' }], reason: /absolute path/ },
    { name: 'symlink escaping with ..', entries: [{ name: 'dir', type: 'directory' }, { name: 'dir/up', type: 'symlink', linkname: '../..' }], reason: /points outside/ },
    { name: 'symlink escaping through another symlink', entries: [{ name: 'here', type: 'symlink', linkname: '.' }, { name: 'out', type: 'symlink', linkname: 'here/..' }], reason: /points outside/ },
    { name: 'symlink made to escape later', entries: [{ name: 'd', type: 'symlink', linkname: 'e' }, { name: 's', type: 'symlink', linkname: 'd/..' }, { name: 'e', type: 'symlink', linkname: '.' }], reason: /points outside/ },
    { name: 'link made under a symlinked folder (a -> ., a/x -> ..)', entries: [{ name: 'a', type: 'symlink', linkname: '.' }, { name: 'a/x', type: 'symlink', linkname: '..' }, { name: 'x/escape.txt', body: 'x' }], reason: /points outside/ },
    { name: 'the same, deeper (a -> b/c, a/x -> ../../..)', entries: [{ name: 'b/c', type: 'directory' }, { name: 'a', type: 'symlink', linkname: 'b/c' }, { name: 'a/x', type: 'symlink', linkname: '../../..' }], reason: /points outside/ },
    { name: 'hardlink to an earlier symlink (d/up -> .., h = d/up)', entries: [{ name: 'd/up', type: 'symlink', linkname: '..' }, { name: 'h', type: 'link', linkname: 'd/up' }, { name: 'h/escape.txt', body: 'x' }], reason: /is a symlink/ },
    { name: 'write through 41 links (ELOOP)', entries: [...Array.from({ length: 41 }, (_, i): TarEntry => ({ name: `l${i}`, type: 'symlink', linkname: i === 40 ? 'real' : `l${i + 1}` })), { name: 'real', type: 'directory' }, { name: 'l0/f', body: 'x' }], reason: /more than 40 symlinks/ },
    { name: 'name longer than PATH_MAX', entries: [{ name: 'ok.txt', body: 'x' }, { name: 'd/'.repeat(2048) + 'f', body: 'x' }], reason: /PATH_MAX/ },
    { name: 'folder replaced by a symlink', entries: [{ name: 'd', type: 'directory' }, { name: 'd', type: 'symlink', linkname: '.' }], reason: /replaces a folder/ },
    { name: 'write through a symlink that escapes', entries: [{ name: 'here', type: 'symlink', linkname: '.' }, { name: 'up', type: 'symlink', linkname: 'here/../x' }, { name: 'up/file', body: 'x' }], reason: /points outside|written through/ },
    { name: 'hardlink to an absolute path', entries: [{ name: 'passwd', type: 'link', linkname: '/etc/passwd' }], reason: /outside the volume/ },
    { name: 'hardlink escaping with ..', entries: [{ name: 'shadow', type: 'link', linkname: '../../../etc/shadow' }], reason: /outside the volume/ },
    { name: 'hardlink to a file not in the archive', entries: [{ name: 'h', type: 'link', linkname: 'missing' }], reason: /not a file earlier/ },
    { name: 'character device', entries: [{ name: 'ok.txt', body: 'x' }, { name: 'null', type: 'character-device', devmajor: 1, devminor: 3 }], reason: /device file/ },
    { name: 'block device', entries: [{ name: 'sda', type: 'block-device', devmajor: 8, devminor: 0 }], reason: /device file/ },
  ];
}
