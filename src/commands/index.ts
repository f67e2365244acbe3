/**
 * Registers every command with the same wrapper: log the call, turn failures into one clear message
 * (engine errors already name the engine), never throw into VS Code.
 */
import * as vscode from 'vscode';
import { EngineError } from '../engine/errors';
import { log } from '../log';

export type CommandHandler = (...args: unknown[]) => unknown;

export function userMessage(error: unknown): string {
  if (error instanceof EngineError) return error.message;
  if (error instanceof Error) return error.message;
  return String(error);
}

export function registerCommand(id: string, handler: CommandHandler): vscode.Disposable {
  return vscode.commands.registerCommand(id, async (...args: unknown[]) => {
    log().debug(`command ${id}`);
    try {
      return await handler(...args);
    } catch (error) {
      if (error instanceof EngineError && error.kind === 'cancelled') return undefined;
      log().error(`command ${id} failed`, error instanceof Error ? error : new Error(String(error)));
      void vscode.window.showErrorMessage(userMessage(error));
      return undefined;
    }
  });
}
