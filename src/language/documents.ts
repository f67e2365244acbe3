/**
 * Which documents are Compose files, and their analysis: parsed once per document version, in the context
 * of their project (sibling base/override files, read from open editors first, then from disk) and of the
 * live engine. Diagnostics, lenses, code actions, hovers and definitions all read from here.
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import * as vscode from 'vscode';
import type { AnalysisRequest } from '../compose/analysisMessages';
import type { Analysis, ComposeDiagnostic } from '../compose/analyze';
import { engineData, type EngineData } from '../compose/engineSnapshot';
import type { ComposeProject } from '../compose/project';
import { modelOf, type ComposeModel } from '../compose/declarations';
import { HOST_YAML_LIMIT, parseCompose } from '../compose/parse';
import picomatch from 'picomatch';
import { isComposeFileName, loadProject, singleFileProject, type FileHost } from '../compose/project';
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
  /** The project as the host-side features see it (lenses, hovers, definitions). */
  project?: ComposeProject;
}

/**
 * Largest document the extension host parses itself (for lenses, hovers, definitions, quick fixes); larger
 * ones are only analysed in the worker (no lenses, hovers or quick fixes on them). A Compose file is a few KB;
 * 1 MB is over 1,000 services.
 */
export const HOST_MODEL_LIMIT = 1024 * 1024;

export class ComposeDocuments {
  private readonly cache = new Map<string, Cached>();
  private engineGeneration = 0;
  private engineDataCache: { generation: number; data: EngineData } | undefined;
  /** What the worker last published per document: its version and diagnostics. */
  private readonly published = new Map<string, { version: number; diagnostics: ComposeDiagnostic[] }>();

  constructor(readonly engine: StoreSnapshot) {}

  /** Call when the engine state changed: analyses are redone on next use. */
  engineChanged(): void {
    this.engineGeneration++;
  }

  /** Call when settings or other files changed. */
  invalidate(): void {
    for (const c of this.cache.values()) c.project = undefined;
  }

  forget(document: vscode.TextDocument): void {
    this.cache.delete(document.uri.toString());
    this.published.delete(document.uri.toString());
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
    // Relative to the workspace folder, as the workspace scan's RelativePattern reads the same globs.
    const relative = folder ? path.posix.relative(folder.uri.path, file) : file;
    return picomatch(globs, { dot: true })(relative);
  }

  /**
   * The host-side model of the document, for lenses, hovers, definitions and quick fixes: parsing only, no
   * rules (those run in the worker). Documents over HOST_MODEL_LIMIT get an empty model here, so the
   * extension host never parses a huge file.
   */
  model(document: vscode.TextDocument): ComposeModel {
    const key = document.uri.toString();
    const cached = this.cache.get(key);
    if (cached && cached.version === document.version) return cached.model;
    const text = document.getText();
    const model = modelOf(parseCompose(text.length > HOST_MODEL_LIMIT ? '' : text, { yamlLimit: HOST_YAML_LIMIT }));
    this.cache.set(key, { version: document.version, model });
    return model;
  }

  /**
   * The document's model in its project, with the diagnostics the worker last published for this version
   * (empty until then). No rule runs on the extension host.
   */
  analysis(document: vscode.TextDocument): Analysis {
    const model = this.model(document);
    const cached = this.cache.get(document.uri.toString())!;
    if (!cached.project) {
      const file = document.uri.scheme === 'file' ? document.uri.fsPath : undefined;
      cached.project = file && document.getText().length <= HOST_MODEL_LIMIT
        ? loadProject(file, this.fileHost(), process.env, this.openModels(file))
        : singleFileProject(model, '/', {});
    }
    const published = this.published.get(document.uri.toString());
    const diagnostics = published && published.version === document.version ? published.diagnostics : [];
    return { model, project: cached.project, diagnostics };
  }

  /** Records what the worker found for a document version (quick fixes read the fixes from here). */
  setPublished(document: vscode.TextDocument, version: number, diagnostics: ComposeDiagnostic[]): void {
    this.published.set(document.uri.toString(), { version, diagnostics });
  }

  /** The worker's job for an open document: its text, unsaved siblings, the engine and the severities. */
  request(document: vscode.TextDocument): AnalysisRequest {
    const isFile = document.uri.scheme === 'file';
    const file = isFile ? document.uri.fsPath : undefined;
    return {
      file, text: document.getText(), useFiles: isFile, openTexts: file ? this.openTexts(file) : undefined,
      engine: this.engineData(), severities: ruleSeverities(document.uri),
    };
  }

  /** The worker's job for a Compose file nobody opened: the worker reads it (after a size check). */
  fileRequest(uri: vscode.Uri): AnalysisRequest {
    return { file: uri.fsPath, useFiles: true, openTexts: this.openTexts(uri.fsPath), engine: this.engineData(), severities: ruleSeverities(uri) };
  }

  private engineData(): EngineData | undefined {
    const engine = this.engine.current;
    if (!engine) return undefined;
    if (this.engineDataCache?.generation !== this.engineGeneration) {
      this.engineDataCache = { generation: this.engineGeneration, data: engineData(engine) };
    }
    return this.engineDataCache.data;
  }

  /** Texts of open documents in the file's folder (unsaved edits of siblings count). */
  private openTexts(file: string): Record<string, string> {
    const dir = path.dirname(file);
    const out: Record<string, string> = {};
    for (const doc of vscode.workspace.textDocuments) {
      if (doc.uri.scheme !== 'file' || doc.uri.fsPath === file || path.dirname(doc.uri.fsPath) !== dir || !doc.isDirty) continue;
      out[doc.uri.fsPath] = doc.getText();
    }
    return out;
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
        if (open) return open.getText().length > HOST_MODEL_LIMIT ? '' : open.getText();
        try {
          if (statSync(file).size > HOST_MODEL_LIMIT) return '';
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
