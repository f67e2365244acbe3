/**
 * Every setting an untrusted workspace must not control is in package.json's restrictedConfigurations, and
 * docs/SETTINGS-TRUST.md says of every contributed setting whether it is restricted and why: a new setting
 * cannot be added without deciding.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';

const root = path.join(__dirname, '..', '..', '..');
const SECTION = 'dockerNetworksVolumes.';

interface Manifest {
  capabilities: { untrustedWorkspaces: { supported: string | boolean; restrictedConfigurations?: string[] } };
  contributes: { configuration: { properties: Record<string, { scope?: string }> } | Array<{ properties: Record<string, { scope?: string }> }> };
}

function manifest(): Manifest {
  return JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8')) as Manifest;
}

function contributedSettings(pkg: Manifest): Record<string, { scope?: string }> {
  const sections = Array.isArray(pkg.contributes.configuration) ? pkg.contributes.configuration : [pkg.contributes.configuration];
  return Object.assign({}, ...sections.map((s) => s.properties)) as Record<string, { scope?: string }>;
}

/** The table of docs/SETTINGS-TRUST.md: setting (full id) -> restricted. */
function documented(): Map<string, boolean> {
  const rows = new Map<string, boolean>();
  for (const line of readFileSync(path.join(root, 'docs', 'SETTINGS-TRUST.md'), 'utf8').split('\n')) {
    const match = /^\|\s*`([^`]+)`\s*\|\s*(yes|no)\s*\|/.exec(line);
    if (match) rows.set(SECTION + match[1], match[2] === 'yes');
  }
  return rows;
}

suite('settings and workspace trust', () => {
  test('what can delete data, pause containers, choose where data goes or which engine is contacted is restricted', () => {
    const restricted = new Set(manifest().capabilities.untrustedWorkspaces.restrictedConfigurations ?? []);
    // Named here as well as in the doc, so that marking one "no" in the table does not quietly lift the restriction.
    for (const key of [
      'backup.folder', 'backup.schedule.interval', 'backup.schedule.volumes', 'backup.schedule.keep', 'backup.schedule.pauseWriters',
      'engine.host', 'engine.hosts', 'engine.discover', 'engine.certPath', 'engine.tlsVerify',
    ]) assert.ok(restricted.has(SECTION + key), `${SECTION + key} is in capabilities.untrustedWorkspaces.restrictedConfigurations`);
  });

  test('docs/SETTINGS-TRUST.md has a row for every contributed setting, and its "restricted" column is package.json\'s list', () => {
    const pkg = manifest();
    const settings = Object.keys(contributedSettings(pkg)).sort();
    const rows = documented();
    assert.deepEqual([...rows.keys()].sort(), settings, 'one row per setting in contributes.configuration');
    const restricted = (pkg.capabilities.untrustedWorkspaces.restrictedConfigurations ?? []).slice().sort();
    assert.deepEqual([...rows].filter(([, r]) => r).map(([k]) => k).sort(), restricted);
  });

  test('the engine settings are machine-scoped (a workspace value is never used, trusted or not)', () => {
    const settings = contributedSettings(manifest());
    for (const [key, value] of Object.entries(settings)) {
      if (key.startsWith(`${SECTION}engine.`)) assert.equal(value.scope, 'machine', key);
    }
  });
});
