// The volume both volume-browser benchmarks list (scripts/bench-browse.mjs, the core; scripts/bench-browse-workbench.mjs,
// the real workbench): `dnvbench-browse-1g`, one folder /many of 10,000 files of 100 KB (1 GB in all), made with
// the docker CLI on the engine at DOCKER_HOST (or the default socket) and kept between runs with BENCH_KEEP=1.
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';

export const VOLUME = 'dnvbench-browse-1g';
export const FOLDER = 'many';
export const FILES = 10_000;
export const IMAGE = process.env.DNV_TEST_IMAGE || 'test/busybox:1';

export const docker = (...args) => execFileSync('docker', args, { encoding: 'utf8', maxBuffer: 64 << 20 }).trim();

/** Makes the volume unless a complete one is there (a run cut short leaves no `.complete`, and is made again). */
export function ensureVolume() {
  const exists = docker('volume', 'ls', '-q', '--filter', `name=^${VOLUME}$`) === VOLUME;
  if (exists && docker('run', '--rm', '-v', `${VOLUME}:/data:ro`, IMAGE, 'sh', '-c', 'cat /data/.complete 2>/dev/null') === 'v1') return;
  if (exists) docker('volume', 'rm', '-f', VOLUME);
  docker('volume', 'create', VOLUME);
  const started = Date.now();
  docker('run', '--rm', '--network', 'none', '-v', `${VOLUME}:/data`, IMAGE, 'sh', '-c',
    `set -e; mkdir /data/${FOLDER}; cd /data/${FOLDER}; head -c 102400 /dev/urandom > /data/.block; i=0; while [ $i -lt ${FILES} ]; do cp /data/.block "file-$i.bin"; i=$((i+1)); done; rm /data/.block; echo v1 > /data/.complete`);
  console.log(`made ${VOLUME} (10,000 files of 100 KB in /${FOLDER}) in ${((Date.now() - started) / 1000).toFixed(1)} s`);
}

/** Removes the volume unless BENCH_KEEP is set. */
export function dropVolume() {
  if (!process.env.BENCH_KEEP) docker('volume', 'rm', '-f', VOLUME);
}

export const loadAverage = () => readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).join(' ');
