/**
 * Scripted answers for the questions commands ask (src/commands/prompts.ts), installed through the extension
 * API's `setPrompts`. A test queues the answers it expects to give, in order, each with a pattern the question
 * must match; a question nobody queued, or one that does not match, fails the command (it throws) and is
 * reported by `assertAllAnswered()`, as is an answer left unused. So a test states every question a command
 * asks, and a command that stops asking (or asks something new) fails its test.
 */
import * as assert from 'assert';
import type * as vscode from 'vscode';
import type { ConfirmOptions, FileOptions, PickOptions, Prompts, ReportLevel } from '../../../src/commands/prompts';
import type { ExtensionApi } from '../../../src/extension';

type Kind = 'confirm' | 'pick' | 'pickMany' | 'pickOrType' | 'input' | 'pickFolder' | 'pickFile';

interface Expected {
  kind: Kind;
  /** Matched against the question's text (message and detail, or title and placeholder). */
  question: RegExp;
  /**
   * confirm: the button's title, undefined for Cancel. pick: the item's label (a RegExp matches it).
   * pickMany: the labels. input, pickOrType, pickFolder, pickFile: the text or path. undefined cancels.
   */
  answer: string | RegExp | Array<string | RegExp> | undefined;
}

export interface AskedQuestion {
  kind: Kind;
  text: string;
  /** The buttons of a confirm, the labels of a pick. */
  choices: string[];
}

const labelOf = (item: vscode.QuickPickItem) => item.label;
const matches = (pattern: string | RegExp, label: string) => typeof pattern === 'string' ? label === pattern : pattern.test(label);

export class ScriptedPrompts implements Prompts {
  private readonly queue: Expected[] = [];
  /** Every question asked, answered or not: tests can check what the user would have read. */
  readonly asked: AskedQuestion[] = [];
  private readonly failures: string[] = [];
  /** Every report a command made (notifications need no answer, so they are recorded, not scripted). */
  readonly reported: Array<{ level: ReportLevel; message: string }> = [];

  expect(kind: Kind, question: RegExp, answer: Expected['answer']): this {
    this.queue.push({ kind, question, answer });
    return this;
  }

  /** Fails when a question was unexpected or did not match, or when a queued answer was never asked for. */
  assertAllAnswered(): void {
    const unused = this.queue.map((e) => `${e.kind} ${e.question}`);
    this.queue.length = 0;
    const failures = this.failures.splice(0);
    assert.deepStrictEqual({ failures, unused }, { failures: [], unused: [] }, 'every question scripted, every scripted answer used');
  }

  private take(kind: Kind, text: string, choices: string[]): Expected['answer'] {
    this.asked.push({ kind, text, choices });
    const next = this.queue.shift();
    let failure: string | undefined;
    if (!next) failure = `unexpected ${kind}: "${text}" (${choices.join(' | ')})`;
    else if (next.kind !== kind || !next.question.test(text)) failure = `expected ${next.kind} ${next.question}, got ${kind}: "${text}"`;
    if (failure) {
      this.failures.push(failure);
      throw new Error(`scripted prompts: ${failure}`);
    }
    return next!.answer;
  }

  async confirm(message: string, options: ConfirmOptions): Promise<string | undefined> {
    const answer = this.take('confirm', [message, options.detail].filter(Boolean).join('\n'), options.actions);
    if (answer === undefined) return undefined;
    const button = options.actions.find((a) => matches(answer as string | RegExp, a));
    if (!button) this.failures.push(`no button ${String(answer)} in: ${options.actions.join(' | ')}`);
    return button;
  }

  async pick<T extends vscode.QuickPickItem>(items: readonly T[], options: PickOptions<T>): Promise<T | undefined> {
    const answer = this.take('pick', [options.title, options.placeHolder].filter(Boolean).join('\n'), items.map(labelOf));
    if (answer === undefined) return undefined;
    const item = items.find((i) => matches(answer as string | RegExp, i.label));
    if (!item) this.failures.push(`no item ${String(answer)} in: ${items.map(labelOf).join(' | ')}`);
    return item;
  }

  async pickMany<T extends vscode.QuickPickItem>(items: readonly T[], options: vscode.QuickPickOptions): Promise<T[] | undefined> {
    const answer = this.take('pickMany', [options.title, options.placeHolder].filter(Boolean).join('\n'), items.map(labelOf));
    if (answer === undefined) return undefined;
    const wanted = Array.isArray(answer) ? answer : [answer];
    return items.filter((i) => wanted.some((w) => matches(w, i.label)));
  }

  async pickOrType(items: readonly vscode.QuickPickItem[], options: { placeHolder: string; title?: string }): Promise<string | undefined> {
    return this.take('pickOrType', [options.title, options.placeHolder].filter(Boolean).join('\n'), items.map(labelOf)) as string | undefined;
  }

  async input(options: vscode.InputBoxOptions): Promise<string | undefined> {
    return this.take('input', [options.title, options.prompt].filter(Boolean).join('\n'), []) as string | undefined;
  }

  async pickFolder(options: FileOptions): Promise<string | undefined> {
    return this.take('pickFolder', options.title, []) as string | undefined;
  }

  async pickFile(options: FileOptions): Promise<string | undefined> {
    return this.take('pickFile', options.title, []) as string | undefined;
  }

  report(level: ReportLevel, message: string): void {
    this.reported.push({ level, message });
  }
}

/**
 * Puts scripted prompts in place for a suite: `setup` installs a fresh one before each test, `teardown` checks
 * every question was scripted and answered and puts the real dialogs back.
 */
export function useScriptedPrompts(api: () => ExtensionApi): () => ScriptedPrompts {
  let current: ScriptedPrompts | undefined;
  setup(() => {
    current = new ScriptedPrompts();
    api().setPrompts(current);
  });
  teardown(function () {
    api().setPrompts(undefined);
    const prompts = current;
    current = undefined;
    // A test that already failed keeps its own message; only a passing one is failed for a prompt mismatch.
    if (prompts && this.currentTest?.state !== 'failed') prompts.assertAllAnswered();
  });
  return () => current!;
}
