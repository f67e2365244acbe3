/**
 * Archive formats: plain tar, gzip and zstd, the streams that write them and the ones that read them back.
 *
 * gzip is cut into independent blocks compressed on the libuv thread pool in parallel and written in order, as
 * several gzip members (RFC 1952 allows them one after another; `tar xzf` and every gunzip read them as one
 * stream). Blocks that do not compress (media, already-compressed files, random data) are stored as they are,
 * at copy speed, instead of spending a core on them for nothing. zstd is fast enough as one stream.
 *
 * Both run on libuv's thread pool, not on the thread that receives the engine's stream: what stays there is one
 * copy into a block, one round trip per block (gzip) or per megabyte (zstd), and the file's sha256.
 */
import { availableParallelism } from 'node:os';
import { Transform, type TransformCallback } from 'node:stream';
import * as zlib from 'node:zlib';

export type BackupFormat = 'tar' | 'tar.gz' | 'tar.zst';

export const ALL_FORMATS: readonly BackupFormat[] = ['tar.gz', 'tar.zst', 'tar'];

/** Node's zlib has zstd from Node 22.15/23.8; the editor's extension host may have it where tests do not. */
export function zstdAvailable(): boolean {
  return typeof (zlib as { createZstdCompress?: unknown }).createZstdCompress === 'function';
}

export function formatAvailable(format: BackupFormat): boolean {
  return format !== 'tar.zst' || zstdAvailable();
}

export function availableFormats(): BackupFormat[] {
  return ALL_FORMATS.filter(formatAvailable);
}

export function isBackupFormat(value: unknown): value is BackupFormat {
  return typeof value === 'string' && (ALL_FORMATS as readonly string[]).includes(value);
}

/** The format a file holds, from its first bytes (not its name: a renamed file still restores). */
export function detectFormat(head: Buffer): BackupFormat | undefined {
  if (head.length >= 2 && head[0] === 0x1f && head[1] === 0x8b) return 'tar.gz';
  if (head.length >= 4 && head.readUInt32LE(0) === 0xfd2fb528) return 'tar.zst';
  // ustar magic at offset 257 ("ustar\0" POSIX, "ustar " GNU); an archive of an empty folder may be zeros only.
  if (head.length >= 262 && head.toString('latin1', 257, 262) === 'ustar') return 'tar';
  if (head.length >= 512 && head.subarray(0, 512).every((b) => b === 0)) return 'tar';
  return undefined;
}

export interface CompressOptions {
  /** gzip 1..9 (default 1: about 3.5x faster than 6 for 15 % more bytes on text), zstd 1..19 (default 3). */
  level?: number;
  /** gzip blocks compressed at once (default: the number of cores plus one, so one is always queued). */
  concurrency?: number;
  /** gzip block size (default 1 MB). */
  blockSize?: number;
}

const GZIP_BLOCK = 1 << 20;
const SAMPLE = 4096;
/** Output chunks of the zstd stream: zlib's default 16 KB made a thread-pool round trip and a file write per 16 KB. */
const ZSTD_OUT_CHUNK = 1 << 20;
/** Input handed to zstd at once: the engine's socket gives 64 KB reads, one thread-pool round trip each. */
const ZSTD_IN_CHUNK = 1 << 20;

type ZlibCallback = (err: Error | null, out: Buffer) => void;
function promisified(fn: (buf: Buffer, options: object, cb: ZlibCallback) => void) {
  return (buf: Buffer, options: object) => new Promise<Buffer>((resolve, reject) => fn(buf, options, (err, out) => err ? reject(err) : resolve(out)));
}
const gzipAsync = promisified(zlib.gzip as never);
const deflateRawAsync = promisified(zlib.deflateRaw as never);

/**
 * The output chunk size that holds all of a block's gzip member at once (deflate's worst case is the input plus
 * 5 bytes per 16 KB stored block, plus the gzip header and trailer): one thread-pool round trip per block instead
 * of one per 16 KB of output, which made zlib's callbacks the main thread's largest cost.
 */
function gzipBound(n: number): number {
  return n + 5 * Math.ceil(n / 16_384) + 1024;
}

/**
 * Whether a block is worth compressing: four small samples spread over it are deflated at level 1 on the thread
 * pool (one round trip, nothing on the extension host's thread); when they save less than 3 %, the block is stored.
 */
async function looksCompressible(block: Buffer): Promise<boolean> {
  if (block.length <= SAMPLE * 4) return true;
  const step = Math.floor((block.length - SAMPLE) / 3);
  const samples = Buffer.concat([0, 1, 2, 3].map((i) => block.subarray(i * step, i * step + SAMPLE)));
  const out = await deflateRawAsync(samples, { level: 1, chunkSize: gzipBound(samples.length) });
  return out.length < samples.length * 0.97;
}

type BlockCodec = (block: Buffer) => Promise<Buffer>;

function gzipCodec(level: number): BlockCodec {
  return async (block) => gzipAsync(block, { level: (await looksCompressible(block)) ? level : 0, chunkSize: gzipBound(block.length) });
}

/**
 * zstd as one stream on one thread-pool thread: at level 3 it compresses text at about 250 MB/s and stores
 * incompressible data at copy speed, which keeps up with the engine's archive stream; one context (and its 2 MB
 * window, which also finds repeats across what would be separate blocks) keeps the archive small. It is fed 1 MB
 * at a time and gives 1 MB output chunks, so the main thread does a round trip per megabyte, not per 16 KB.
 * zstd's own threads (ZSTD_c_nbWorkers) are not used: Node's zstd stream (22.23, 24.21) pushes output after its
 * end with them ("stream.push() after EOF"); independent 1 MB frames in parallel would lose the window across them.
 */
function zstdStream(level: number): Transform {
  const z = zlib as unknown as { createZstdCompress(options: object): Transform; constants: Record<string, number> };
  return z.createZstdCompress({
    chunkSize: ZSTD_OUT_CHUNK,
    params: {
      [z.constants.ZSTD_c_compressionLevel]: level,
      [z.constants.ZSTD_c_checksumFlag]: 1, // a reader can tell a damaged archive
    },
  });
}

/** Gathers small chunks into chunks of at least `size` bytes (one copy), so the next stream gets fewer, larger writes. */
export class Rechunk extends Transform {
  private parts: Buffer[] = [];
  private size = 0;

  constructor(private readonly target: number) {
    super({ highWaterMark: target });
  }

  override _transform(chunk: Buffer, _encoding: BufferEncoding, callback: TransformCallback): void {
    this.parts.push(chunk);
    this.size += chunk.length;
    if (this.size >= this.target) this.release();
    callback();
  }

  override _flush(callback: TransformCallback): void {
    if (this.size) this.release();
    callback();
  }

  private release(): void {
    this.push(this.parts.length === 1 ? this.parts[0] : Buffer.concat(this.parts, this.size));
    this.parts = [];
    this.size = 0;
  }
}

/**
 * Cuts the stream into blocks, compresses up to `concurrency` of them at once off the main thread, and pushes
 * the results in input order. Memory stays at about concurrency x (block + compressed block): the input blocks
 * are reused once their job is done (fresh 1 MB buffers each time cost page faults, seen as copy time).
 */
class BlockCompressor extends Transform {
  private block: Buffer;
  private size = 0;
  private readonly inFlight: Array<{ input: Buffer; job: Promise<Buffer> }> = [];
  private readonly spare: Buffer[] = [];

  constructor(private readonly codec: BlockCodec, private readonly blockSize: number, private readonly concurrency: number) {
    super({ highWaterMark: blockSize });
    this.block = Buffer.allocUnsafeSlow(blockSize);
  }

  override _transform(chunk: Buffer, _encoding: BufferEncoding, callback: TransformCallback): void {
    this.fill(chunk).then(() => callback(), callback);
  }

  override _flush(callback: TransformCallback): void {
    (async () => {
      if (this.size > 0) this.start(this.block.subarray(0, this.size));
      while (this.inFlight.length) await this.pushOldest();
    })().then(() => callback(), callback);
  }

  override _destroy(error: Error | null, callback: (error: Error | null) => void): void {
    this.inFlight.length = 0;
    this.spare.length = 0;
    callback(error);
  }

  /** Copies the chunk into the current block (the one copy a block needs), starting a job each time one is full. */
  private async fill(chunk: Buffer): Promise<void> {
    let offset = 0;
    while (offset < chunk.length) {
      const n = Math.min(chunk.length - offset, this.blockSize - this.size);
      chunk.copy(this.block, this.size, offset, offset + n);
      this.size += n;
      offset += n;
      if (this.size === this.blockSize) {
        this.start(this.block);
        this.block = this.spare.pop() ?? Buffer.allocUnsafeSlow(this.blockSize);
        this.size = 0;
        if (this.inFlight.length >= this.concurrency) await this.pushOldest();
      }
    }
  }

  private start(input: Buffer): void {
    const job = this.codec(input);
    job.catch(() => undefined); // awaited in order later; this keeps a failure from being "unhandled" meanwhile
    this.inFlight.push({ input, job });
  }

  private async pushOldest(): Promise<void> {
    const { input, job } = this.inFlight.shift()!;
    const out = await job;
    // zlib is done with the input once its job has answered: the buffer takes the next block.
    if (input.length === this.blockSize && this.spare.length < this.concurrency) this.spare.push(input);
    this.push(out);
  }
}

/** The stream that turns tar bytes into the format's bytes (a pass-through for plain tar). */
export function compressor(format: BackupFormat, options: CompressOptions = {}): Transform {
  switch (format) {
    case 'tar':
      return new Transform({ transform: (chunk, _e, cb) => cb(null, chunk) });
    case 'tar.gz':
      return new BlockCompressor(gzipCodec(options.level ?? 1), options.blockSize ?? GZIP_BLOCK, options.concurrency ?? Math.max(3, Math.min(9, availableParallelism() + 1)));
    case 'tar.zst': {
      if (!zstdAvailable()) throw new Error(`This runtime's zlib (Node ${process.versions.node}) has no zstd: use .tar.gz or .tar.`);
      return zstdStream(options.level ?? 3);
    }
  }
}

/**
 * The streams a backup puts between the tar bytes and the file: the compressor, and for zstd a Rechunk in front
 * of it (the engine's socket gives 64 KB reads; zstd gets 1 MB writes, one thread-pool round trip each).
 */
export function compressionStages(format: BackupFormat, options: CompressOptions = {}): Transform[] {
  const stream = compressor(format, options);
  return format === 'tar.zst' ? [new Rechunk(ZSTD_IN_CHUNK), stream] : [stream];
}

/**
 * Output chunks of decompression. zlib's default (16 KB) makes a thread-pool round trip per 16 KB: with 1 MB,
 * gunzip of an 856 MB tar took 2.3–2.5 s instead of 3.5–4.6 s here, zstd 1.3–1.4 s instead of 2.4–2.7 s.
 */
const DECOMPRESS_CHUNK = 1 << 20;

/** The stream that turns the format's bytes back into tar bytes. Both read several members/frames in a row. */
export function decompressor(format: BackupFormat): Transform {
  switch (format) {
    case 'tar':
      return new Transform({ transform: (chunk, _e, cb) => cb(null, chunk) });
    case 'tar.gz':
      return zlib.createGunzip({ chunkSize: DECOMPRESS_CHUNK });
    case 'tar.zst': {
      const z = zlib as unknown as { createZstdDecompress?: (options: object) => Transform };
      if (!z.createZstdDecompress) throw new Error(`This runtime's zlib (Node ${process.versions.node}) has no zstd: it cannot read .tar.zst archives.`);
      return z.createZstdDecompress({ chunkSize: DECOMPRESS_CHUNK });
    }
  }
}

export function extensionOf(format: BackupFormat): string {
  return `.${format}`;
}
