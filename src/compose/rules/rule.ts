/** The shape of a rule, what it is given, and the fixes it can offer (plain data: the editor applies them). */
import type { EngineSnapshot } from '../engineSnapshot';
import type { ComposeModel, Section } from '../declarations';
import type { ComposeProject, FileHost } from '../project';

export type Severity = 'error' | 'warning' | 'info' | 'hint';
export const SEVERITIES: readonly Severity[] = ['error', 'warning', 'info', 'hint'];

export interface NetworkCreateArgs {
  name: string;
  driver?: string;
  subnet?: string;
  gateway?: string;
  internal?: boolean;
  attachable?: boolean;
  labels?: Record<string, string>;
}

export interface VolumeCreateArgs {
  name: string;
  driver?: string;
  driverOpts?: Record<string, string>;
  labels?: Record<string, string>;
}

/** A change a quick fix makes; offsets are into the analysed text. */
export type Fix =
  | { kind: 'declare'; title: string; section: Section; name: string; external?: boolean }
  | { kind: 'replace'; title: string; start: number; end: number; text: string }
  | { kind: 'delete'; title: string; start: number; end: number }
  | { kind: 'createNetwork'; title: string; args: NetworkCreateArgs }
  | { kind: 'createVolume'; title: string; args: VolumeCreateArgs };

export interface Finding {
  start: number;
  end: number;
  message: string;
  fixes?: Fix[];
}

export interface RuleContext {
  /**
   * The file as the rule's check sees it: what the merged project keeps of it (ProjectFile.merged), or for a
   * `perFile` rule the file as written.
   */
  model: ComposeModel;
  project: ComposeProject;
  /** Absolute path of the file, when it has one. */
  file?: string;
  engine?: EngineSnapshot;
  host?: FileHost;
  /** Compose interpolation with the project's environment; undefined when a variable is not known. */
  resolve(text: string): string | undefined;
  report(finding: Finding): void;
}

export interface Rule {
  id: string;
  defaultSeverity: Severity;
  /** One line for the README and the settings description. */
  description: string;
  /** Runs only with an engine snapshot. */
  needsEngine?: boolean;
  /** Runs only with a file system (bind mounts). */
  needsFiles?: boolean;
  /**
   * Mirrors a check compose-go makes while it loads the file alone (YAML, keys, interpolation, extends, include,
   * the schema, the canonical ports, volumes and devices), before the files after it apply their `!reset` and
   * `!override`: ctx.model is then the file as written, not what the merged project keeps of it.
   */
  perFile?: boolean;
  check(ctx: RuleContext): void;
}
