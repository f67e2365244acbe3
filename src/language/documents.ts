/**
 * Which documents are Compose files, and their analysis: parsed once per document version, in the context
 * of their project (sibling base/override files, read from open editors first, then from disk) and of the
 * live engine. Diagnostics, lenses, code actions, hovers and definitions all read from here.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import * as vscode from 'vscode';
import { analyze, type Analysis } from '../compose/analyze';
import { modelOf, type ComposeModel } from '../compose/model';
import { parseCompose } from '../compose/parse';
import { globToRegExp, isComposeFileName, loadProject, singleFileProject, type FileHost } from '../compose/project';
import type { StoreSnapshot } from './engineSnapshot';
import { extraComposeGlobs, ruleSeverities } from './settings';

/** Documents the providers are registered for; isComposeDocument() narrows it down. */
export const COMPOSE_SELECTOR: vscode.DocumentSelector = [
  { language: 'yaml' },
  { language: 'dockercompose' },
];

interface Cached {
  version: number;
  model: ComposeModel;
  analysis?: Analysis;
  /** The engine snapshot generation the analysis used. */
  engineGeneration?: number;
}

export class ComposeDocuments {
  private readonly cache = new Map<string, Cached>();
  private engineGeneration = 0;

  constructor(readonly engine: StoreSnapshot) {}

  /** Call when the engine state changed: analyses are redone on next use. */
  engineChanged(): void {
    this.engineGeneration++;
  }

  /** Call when settings or other files changed. */
  invalidate(): void {
    for (const c of this.cache.values()) c.analysis = undefined;
  }

  forget(document: vscode.TextDocument): void {
    this.cache.delete(document.uri.toString());
  }

  isComposeDocument(document: vscode.TextDocument): boolean {
    if (document.uri.scheme !== 'file' && document.uri.scheme !== 'untitled') return false;
    if (document.languageId === 'dockercompose') return true;
    return document.languageId === 'yaml' && this.hasComposeName(document.uri);
  }

  /** Whether a file on disk (open or not) is a Compose file. */
  isComposeFile(uri: vscode.Uri): boolean {
    return uri.scheme === 'file' && this.hasComposeName(uri);
  }

  /** A Compose file's name (compose.yaml, docker-compose.*.yml...) or one of the `compose.files` globs. */
  private hasComposeName(uri: vscode.Uri): boolean {
    const file = uri.path;
    if (isComposeFileName(file)) return true;
    const globs = extraComposeGlobs(uri);
    if (globs.length === 0) return false;
    const folder = vscode.workspace.getWorkspaceFolder(uri);
    const relative = folder ? path.posix.relative(folder.uri.path, file) : file;
    return globs.some((g) => globToRegExp(g).test(relative) || globToRegExp(g).test(file));
  }

  model(document: vscode.TextDocument): ComposeModel {
    const key = document.uri.toString();
    const cached = this.cache.get(key);
    if (cached && cached.version === document.version) return cached.model;
    const model = modelOf(parseCompose(document.getText()));
    this.cache.set(key, { version: document.version, model });
    return model;
  }

  /**
   * The analysis of the document's current version. `isCancelled` stops it between rules (the document
   * changed again); a cancelled analysis is not cached.
   */
  analysis(document: vscode.TextDocument, isCancelled?: () => boolean): Analysis {
    const model = this.model(document);
    const cached = this.cache.get(document.uri.toString())!;
    if (cached.analysis && cached.engineGeneration === this.engineGeneration) return cached.analysis;
    const analysis = this.analyzeModel(model, document.uri, isCancelled);
    if (analysis.complete) {
      cached.analysis = analysis;
      cached.engineGeneration = this.engineGeneration;
    }
    return analysis;
  }

  /**
   * The analysis of a Compose file that is not open, read from disk (the Problems panel lists every Compose
   * file of the workspace). Undefined when it cannot be read.
   */
  analyzeFile(uri: vscode.Uri): Analysis | undefined {
    const text = this.fileHost().readFile(uri.fsPath);
    return text === undefined ? undefined : this.analyzeModel(modelOf(parseCompose(text)), uri);
  }

  /** A model's analysis in its project (its folder's base and override files) and against the live engine. */
  private analyzeModel(model: ComposeModel, uri: vscode.Uri, isCancelled?: () => boolean): Analysis {
    const isFile = uri.scheme === 'file';
    const file = isFile ? uri.fsPath : undefined;
    const host = this.fileHost();
    const project = file ? loadProject(file, host, process.env, this.openModels(file)) : singleFileProject(model, '/', {});
    return analyze(model, {
      file, project, engine: this.engine.current, host: isFile ? host : undefined, severities: ruleSeverities(uri), isCancelled,
    });
  }

  /** Models of open Compose documents in the file's folder, so unsaved edits of siblings count. */
  private openModels(file: string): Map<string, ComposeModel> {
    const dir = path.dirname(file);
    const out = new Map<string, ComposeModel>();
    for (const doc of vscode.workspace.textDocuments) {
      if (doc.uri.scheme !== 'file' || path.dirname(doc.uri.fsPath) !== dir || !this.isComposeDocument(doc)) continue;
      out.set(doc.uri.fsPath, this.model(doc));
    }
    return out;
  }

  private fileHost(): FileHost {
    return {
      readFile: (file) => {
        const open = vscode.workspace.textDocuments.find((d) => d.uri.scheme === 'file' && d.uri.fsPath === file);
        if (open) return open.getText();
        try {
          return readFileSync(file, 'utf8');
        } catch {
          return undefined;
        }
      },
      readDir: (dir) => {
        try {
          return readdirSync(dir);
        } catch {
          return [];
        }
      },
      exists: (file) => existsSync(file),
    };
  }
}
