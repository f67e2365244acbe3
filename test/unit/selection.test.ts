/**
 * What a tree command acts on when several rows are selected (src/selection.ts): VS Code's (clicked, selected[])
 * arguments, the rows of the command's kind on the clicked row's engine, the sentence for what was left out, and
 * the per-item report.
 */
import assert from 'node:assert/strict';
import { plainLocalize } from '../../src/model/format';
import { invokedRows, ofKind, outcomeReport, rowLabel, skippedText, splitRows, takeRows, type TreeRow } from '../../src/selection';

const t = plainLocalize;
const words = { done: 'Removed {0}.', refused: 'Not removed: {0}.', failed: 'Failed: {0}.', notRun: 'Not started: {0}.' };

suite('multi-selection', () => {
  const a = { kind: 'volume', name: 'a', engine: 'e1' };
  const b = { kind: 'volume', name: 'b', engine: 'e1' };
  const project = { kind: 'project', project: 'shop', engine: 'e1' };
  const user = { kind: 'user', volume: 'a', containerId: 'c1', destination: '/data', engine: 'e1' };
  const other = { kind: 'volume', name: 'x', engine: 'e2' };

  test('the selection counts only when it holds the clicked row; the clicked row comes first, each row once', () => {
    assert.deepEqual(invokedRows(b, [a, b]), [b, a]);
    assert.deepEqual(invokedRows(a, [a, b, a]), [a, b]);
    // Right-click outside the selection: that row alone, as in the Explorer.
    assert.deepEqual(invokedRows(other, [a, b]), [other]);
    assert.deepEqual(invokedRows(a, undefined), [a]);
    assert.deepEqual(invokedRows(a, [a]), [a]);
    // A caller that rebuilt the rows (a test, a webview menu) is matched by value, not identity.
    assert.deepEqual(invokedRows({ ...a }, [{ ...a }, { ...b }]), [a, b]);
  });

  test('not a tree row (a name, an argument object, nothing): undefined, so the caller resolves it as before', () => {
    assert.equal(invokedRows('a', [a]), undefined);
    assert.equal(invokedRows({ names: ['a', 'b'] }, undefined), undefined);
    assert.equal(invokedRows(undefined, [a, b]), undefined);
    assert.equal(invokedRows([a, b], undefined), undefined);
  });

  test('only rows of the command\'s kind on the clicked row\'s engine are taken; the rest are skipped with the reason', () => {
    const split = splitRows(invokedRows(a, [a, project, user, b, other])!, ofKind('volume'));
    assert.deepEqual(split.taken, [a, b]);
    assert.deepEqual(split.skipped.map((s) => [s.row, s.why]), [[project, 'kind'], [user, 'kind'], [other, 'engine']]);
    // The clicked row decides the engine: clicked on e2, the e1 rows are the other engine's.
    const fromOther = splitRows(invokedRows(other, [a, other])!, ofKind('volume'));
    assert.deepEqual(fromOther.taken, [other]);
    assert.deepEqual(fromOther.skipped.map((s) => s.why), ['engine']);
    // One engine shown: rows carry no engine id and are all the same engine.
    const plain = splitRows([{ kind: 'volume' }, { kind: 'volume' }], ofKind('volume'));
    assert.equal(plain.taken.length, 2);
  });

  test('the skipped sentence names each row as the tree does, grouped by reason; nothing skipped says nothing', () => {
    const names = { network: (id: string) => (id === 'n1' ? { name: 'front' } : undefined), container: (id: string) => (id === 'c1' ? { name: 'web' } : undefined) };
    const split = splitRows(invokedRows(a, [a, project, user, other])!, ofKind('volume'));
    const label = (r: TreeRow) => rowLabel(names, r, t);
    assert.equal(skippedText(split.skipped, label, 'a volume', t),
      'Skipped shop (a Compose project), web (a container) (not a volume); x (on another engine: one engine at a time).');
    assert.equal(skippedText([], label, 'a volume', t), '');
    assert.equal(rowLabel(names, { kind: 'network', id: 'n1' } as TreeRow, t), 'front');
    assert.equal(rowLabel(names, { kind: 'member', containerId: 'gone' } as TreeRow, t), 'gone (a container)', 'an id when the store no longer has it');
    // What the commands call: both at once.
    const taken = takeRows(invokedRows(a, [a, project, user, other])!, ['volume', 'project'], 'a volume', names, t);
    assert.deepEqual(taken.taken, [a, project]);
    assert.equal(taken.skipped, 'Skipped web (a container) (not a volume); x (on another engine: one engine at a time).');
  });

  test('the report has one clause per outcome, with each item\'s reason', () => {
    assert.equal(outcomeReport([
      { name: 'a', status: 'done' }, { name: 'b', status: 'done' },
      { name: 'c', status: 'refused', detail: 'in use by web (running), db (exited)' },
      { name: 'd', status: 'failed', detail: 'permission denied' },
      { name: 'e', status: 'notRun' },
    ], words, t), 'Removed a, b. Not removed: c (in use by web (running), db (exited)). Failed: d (permission denied). Not started: e.');
    assert.equal(outcomeReport([{ name: 'a', status: 'done' }], words, t), 'Removed a.');
    assert.equal(outcomeReport([], words, t), '');
  });
});

suite('multi-selection menus', () => {
  // The commands whose handlers take the selection (VS Code's second argument); see src/selection.ts.
  const ACT_ON_SELECTION = new Set(['dnv.volume.remove', 'dnv.volume.backup', 'dnv.volume.scheduleBackup', 'dnv.network.remove', 'dnv.network.showTopology']);

  test('in the two multi-select views, a context-menu action either acts on the selection or is hidden while several rows are selected', () => {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const pkg = require('../../../package.json') as { contributes: { menus: Record<string, Array<{ command: string; when: string; group?: string }>> } };
    const entries = pkg.contributes.menus['view/item/context'].filter((m) => /view == dnv\.(networks|volumes)\b|view =~ \/\^dnv/.test(m.when) && !m.group?.startsWith('inline'));
    assert.ok(entries.length > 10, 'the menus were read');
    const silent = entries.filter((m) => !ACT_ON_SELECTION.has(m.command) && !/!listMultiSelection\b/.test(m.when));
    assert.deepEqual(silent.map((m) => `${m.command}: ${m.when}`), [], 'these would act on the clicked row alone while several are selected');
    for (const m of entries.filter((e) => ACT_ON_SELECTION.has(e.command))) assert.doesNotMatch(m.when, /!listMultiSelection/, m.command);
  });
});
