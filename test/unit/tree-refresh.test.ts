/**
 * One changed volume redraws its own row, not all of them (issue 11: 3, "no tree refresh that rebuilds all
 * 10,000 rows for one changed volume"): counts the rows the Volumes view asks VS Code to refresh.
 *
 * Plain mocha with a stand-in for the vscode module (test/support/vscodeStub.ts) and a scripted fake client
 * (test/support/fakeEngine.ts): what is counted is the payload of onDidChangeTreeData for 10,000 volumes, which the
 * real workbench does not expose and a real engine would take minutes to fill.
 */
import '../support/vscodeStub';
import assert from 'node:assert/strict';
import type { ExplorerSettings } from '../../src/config';
import type { DiscoveredEngine } from '../../src/engine/discovery';
import type { EngineVolume } from '../../src/engine/types';
import { EngineSet } from '../../src/model/engines';
import { EngineTree, type Tagged } from '../../src/views/engineTree';
import { VolumesTreeProvider, type VolumeNode } from '../../src/views/volumesTree';
import { FakeEngine, sleep, until } from '../support/fakeEngine';

const SETTINGS: ExplorerSettings = { showBuiltIns: true, groupByProject: false, sortBy: 'name' };
const VOLUMES = 10_000;

suite('Volumes view: one changed volume redraws one row (scripted fake engine)', () => {
  let set: EngineSet | undefined;
  let tree: EngineTree<VolumeNode, VolumesTreeProvider> | undefined;
  teardown(async () => {
    tree?.dispose();
    await set?.stop();
  });

  test('a mount and the start of the container that mounts it refresh that volume\'s row only; a new volume redraws the list', async () => {
    const engine = new FakeEngine();
    for (let i = 0; i < VOLUMES; i++) engine.volumes.set(`v${i}`, { Name: `v${i}`, Driver: 'local' } as EngineVolume);
    engine.addContainer('c0', 'app');
    engine.containers.get('c0')!.Mounts = [{ Type: 'volume', Name: 'v42', Destination: '/data', RW: true }];
    const discovered: DiscoveredEngine[] = [{ id: 'fake', preferred: true, endpoint: { label: engine.label } as DiscoveredEngine['endpoint'] }];
    set = new EngineSet(() => engine.client, discovered, { coalesceMs: 10, initialBackoffMs: 5, maxBackoffMs: 20 });
    tree = new EngineTree<VolumeNode, VolumesTreeProvider>(set, (s) => new VolumesTreeProvider(s, () => SETTINGS, false));
    const fired: Array<Array<Tagged<VolumeNode>> | Tagged<VolumeNode> | undefined> = [];
    tree.onDidChangeTreeData((e) => fired.push(e));
    set.start();
    await until('loaded', () => set!.primary.loaded, 5000);
    const shown = tree.getChildren();
    assert.equal(shown.length, VOLUMES);
    const v42 = shown.find((n) => n.kind === 'volume' && n.name === 'v42')!;
    assert.match(String(tree.getTreeItem(v42).description), /1 container/);
    await sleep(30);
    fired.length = 0;

    // docker start app: a volume mount event and a container start event, in one coalescing window.
    engine.emit({ Type: 'volume', Action: 'mount', Actor: { ID: 'v42', Attributes: { container: 'c0' } } });
    engine.emit({ Type: 'container', Action: 'start', Actor: { ID: 'c0', Attributes: {} } });
    await until('a refresh', () => fired.length > 0);
    await sleep(40);
    assert.equal(fired.length, 1, `one refresh, saw ${fired.length}`);
    const rows = fired[0];
    assert.ok(Array.isArray(rows), `rows, not the whole tree: ${JSON.stringify(rows)}`);
    assert.equal(rows.length, 1, `rows refreshed: ${rows.length}`);
    assert.equal(rows[0], v42, 'the very row object the view holds (VS Code matches by identity)');

    // A container that mounts nothing changes no volume row.
    engine.addContainer('c1', 'other');
    engine.emit({ Type: 'container', Action: 'create', Actor: { ID: 'c1', Attributes: {} } });
    await until('c1 in the model', () => Boolean(set!.primary.container('c1')));
    await sleep(40);
    assert.equal(fired.length, 1, 'no refresh of the Volumes view for it');

    // A new volume changes the list itself: the whole tree.
    engine.volumes.set('v-new', { Name: 'v-new', Driver: 'local' } as EngineVolume);
    engine.emit({ Type: 'volume', Action: 'create', Actor: { ID: 'v-new', Attributes: {} } });
    await until('a second refresh', () => fired.length === 2);
    assert.equal(fired[1], undefined, 'a whole-tree refresh');
    assert.equal(tree.getChildren().length, VOLUMES + 1);
  });
});
