/**
 * Keeps one GET /events stream open and reports connection state. When the stream ends or cannot be opened
 * (engine stopped, socket gone), it says so once and retries with exponential backoff; a successful connect
 * resets the backoff. This is the only long-lived request the extension makes: there is no polling.
 */
import { StringDecoder } from 'node:string_decoder';
import type { EngineClient } from './client';
import { EngineError, toEngineError } from './errors';
import type { EngineEvent, EngineVersion } from './types';

export type ConnectionState =
  | { status: 'connecting' }
  | { status: 'connected'; version: EngineVersion }
  | { status: 'unreachable'; error: EngineError; retryInMs: number };

export interface WatcherOptions {
  types?: string[];
  initialBackoffMs?: number;
  maxBackoffMs?: number;
  onEvent: (event: EngineEvent) => void;
  onState: (state: ConnectionState) => void;
}

export class EngineWatcher {
  private readonly types: string[];
  private readonly initialBackoffMs: number;
  private readonly maxBackoffMs: number;
  private stopped = true;
  private abort: AbortController | undefined;
  private wake: (() => void) | undefined;
  private backoffMs: number;
  private loop: Promise<void> | undefined;

  constructor(private readonly client: EngineClient, private readonly options: WatcherOptions) {
    this.types = options.types ?? ['network', 'volume', 'container'];
    this.initialBackoffMs = options.initialBackoffMs ?? 500;
    this.maxBackoffMs = options.maxBackoffMs ?? 15_000;
    this.backoffMs = this.initialBackoffMs;
  }

  start(): void {
    if (!this.stopped) return;
    this.stopped = false;
    this.loop = this.run();
  }

  /** Skips the current backoff wait (the user pressed Retry). */
  retryNow(): void {
    this.backoffMs = this.initialBackoffMs;
    this.wake?.();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    this.abort?.abort();
    this.wake?.();
    await this.loop;
  }

  private async run(): Promise<void> {
    while (!this.stopped) {
      this.options.onState({ status: 'connecting' });
      this.abort = new AbortController();
      let error: EngineError;
      try {
        const version = await this.client.negotiate({ signal: this.abort.signal, timeoutMs: 10_000 });
        const stream = await this.client.openEvents(this.types, this.abort.signal);
        this.backoffMs = this.initialBackoffMs;
        this.options.onState({ status: 'connected', version });
        error = await this.pump(stream);
      } catch (e) {
        error = toEngineError(e, this.client.label, 'connect');
      }
      if (this.stopped) return;
      const wait = this.backoffMs;
      this.backoffMs = Math.min(this.backoffMs * 2, this.maxBackoffMs);
      this.options.onState({ status: 'unreachable', error, retryInMs: wait });
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, wait);
        this.wake = () => { clearTimeout(timer); resolve(); };
      });
      this.wake = undefined;
    }
  }

  /** Reads newline-delimited JSON until the stream ends; resolves with why it ended. */
  private pump(stream: NodeJS.ReadableStream): Promise<EngineError> {
    return new Promise((resolve) => {
      let buffered = '';
      // One decoder for the whole stream: a UTF-8 character can be split between two chunks.
      const decoder = new StringDecoder('utf8');
      let ended = false;
      const done = (why: unknown) => {
        if (ended) return;
        ended = true;
        stream.removeAllListeners('data');
        resolve(why instanceof EngineError ? why
          : why ? toEngineError(why, this.client.label, 'follow engine events')
          : new EngineError('unreachable', `The Docker engine at ${this.client.label} closed the connection. Is it still running?`, this.client.label));
      };
      stream.on('data', (chunk: Buffer | string) => {
        buffered += typeof chunk === 'string' ? chunk : decoder.write(chunk);
        let newline: number;
        while ((newline = buffered.indexOf('\n')) >= 0) {
          const line = buffered.slice(0, newline).trim();
          buffered = buffered.slice(newline + 1);
          if (!line) continue;
          let event: EngineEvent;
          try {
            event = JSON.parse(line) as EngineEvent;
          } catch {
            continue; // a torn line from a dying connection; the reload on reconnect covers it
          }
          this.options.onEvent(event);
        }
      });
      stream.once('end', () => done(undefined));
      stream.once('close', () => done(undefined));
      // on, not once: a dying socket can fail twice, and an 'error' with no listener throws.
      stream.on('error', (e) => done(e));
    });
  }
}
