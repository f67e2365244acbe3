/**
 * Recovery of what an editor that died mid-backup leaves on a real engine: a helper container (which makes
 * Remove Volume say a backup is in progress) and a container it paused. Made here as a dead process would have
 * left them (owner: this machine, a pid that has exited), next to the work of live processes, which must stay.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { hostname } from 'node:os';
import { createPauseRecord, emptyImage } from '../../src/backup/helper';
import { HELPER_KIND, HELPER_LABEL, type HelperOwner, OWNER_LABEL, PAUSED_LABEL } from '../../src/engine/helperLabels';
import { DAY_MS, recoverStaleHelpers } from '../../src/backup/recovery';
import { pauseWhile } from '../../src/backup/pauseWriters';
import { volumeUsers } from '../../src/engine/volumes';
import { EngineClient } from '../../src/engine/client';
import { resolveEndpoint } from '../../src/engine/connection';
import { docker, TEST_IMAGE } from '../support/docker';

const P = `dnvtest-rec${process.pid}-`;

function quiet(...args: string[]): string {
  try { return docker(...args); } catch { return ''; }
}

function state(name: string): string {
  return docker('inspect', '-f', '{{.State.Status}}', name);
}

function exists(name: string): boolean {
  return quiet('ps', '-aq', '--filter', `name=^/${name}$`) !== '';
}

suite('recovery of a dead editor\'s helpers and pauses', function () {
  this.timeout(60_000);
  const client = new EngineClient(resolveEndpoint());
  const volume = `${P}vol`;
  const writer = `${P}writer`;
  const usersOwnPause = `${P}paused-by-user`;
  /** A pid that was this machine's and has exited: the dead editor. */
  const deadPid = spawnSync('true').pid!;
  const here = hostname();

  async function helper(name: string, owner: HelperOwner | undefined): Promise<string> {
    return client.createContainer({
      image: await emptyImage(client), name, cmd: ['/nothing-runs-here'],
      labels: { [HELPER_LABEL]: HELPER_KIND.archive, ...(owner ? { [OWNER_LABEL]: JSON.stringify(owner) } : {}) },
      mounts: [{ volume, target: '/data', readOnly: true }],
    });
  }

  setup(() => {
    docker('volume', 'create', volume);
    docker('run', '-d', '--name', writer, '-v', `${volume}:/data`, TEST_IMAGE, 'sleep', '3600');
    docker('run', '-d', '--name', usersOwnPause, TEST_IMAGE, 'sleep', '3600');
    docker('pause', usersOwnPause);
  });

  teardown(() => {
    const ours = quiet('ps', '-aq', '--filter', `name=^/${P}`).split('\n').filter(Boolean);
    if (ours.length) quiet('rm', '-f', ...ours);
    quiet('volume', 'rm', '-f', volume);
    client.close();
  });

  test('a dead process\'s helper is removed and what it paused resumed; live work and the user\'s own pause stay', async () => {
    assert.notEqual(spawnSync('kill', ['-0', String(deadPid)]).status, 0, 'the pid is gone');
    const writerId = docker('inspect', '-f', '{{.Id}}', writer);
    await helper(`${P}helper-dead`, { host: here, pid: deadPid });
    await createPauseRecord(client, writerId, undefined, { host: here, pid: deadPid });
    docker('pause', writer); // ...and then the editor died
    await helper(`${P}helper-live`, { host: here, pid: process.pid }); // another window's backup, running
    await helper(`${P}helper-elsewhere`, { host: `${here}-not`, pid: 1 }); // another machine's, just made
    assert.ok((await volumeUsers(client, volume)).some((u) => u.helper), 'the leftover blocks Remove Volume');

    const outcome = await recoverStaleHelpers(client);

    assert.equal(state(writer), 'running', 'the container the dead editor paused runs again');
    assert.equal(state(usersOwnPause), 'paused', 'a pause with no record of ours is the user\'s: left alone');
    assert.ok(!exists(`${P}helper-dead`), 'the dead editor\'s helper is gone');
    assert.ok(exists(`${P}helper-live`), 'a live process\'s helper stays');
    assert.ok(exists(`${P}helper-elsewhere`), 'another machine\'s recent helper stays');
    assert.deepEqual(outcome.resumed.map((r) => r.name), [writer]);
    assert.deepEqual(outcome.removed.map((r) => r.kind).sort(), [HELPER_KIND.archive, HELPER_KIND.pauseRecord].sort());
    assert.deepEqual(outcome.failures, []);
    const records = docker('ps', '-aq', '--filter', `label=${PAUSED_LABEL}=${writerId}`);
    assert.equal(records, '', 'the pause record went with it');
  });

  test('helpers whose process cannot be checked from here (another machine, or no owner) go once older than a day', async () => {
    await helper(`${P}helper-elsewhere`, { host: `${here}-not`, pid: 1 });
    await helper(`${P}helper-no-owner`, undefined);
    await helper(`${P}helper-live`, { host: here, pid: process.pid });
    // A day from now, and only this test's helpers: other work on this engine may have helpers just as old then.
    const outcome = await recoverStaleHelpers(client, { now: Date.now() + DAY_MS + 60_000, namePrefix: P });
    assert.ok(!exists(`${P}helper-elsewhere`) && !exists(`${P}helper-no-owner`));
    assert.ok(exists(`${P}helper-live`), 'a process alive on this machine keeps its helper however old');
    assert.ok(outcome.live >= 1);
  });

  test('a pause is recorded on the engine while it lasts, and the record removed once resumed', async () => {
    const writerId = docker('inspect', '-f', '{{.Id}}', writer);
    const records = () => docker('ps', '-aq', '--filter', `label=${PAUSED_LABEL}=${writerId}`).split('\n').filter(Boolean);
    let during: string[] = [];
    let owner: HelperOwner | undefined;
    const paused = await pauseWhile(client, [writerId], undefined, async () => {
      during = records();
      owner = JSON.parse(docker('inspect', '-f', `{{index .Config.Labels "${OWNER_LABEL}"}}`, during[0])) as HelperOwner;
      assert.equal(state(writer), 'paused');
    });
    assert.deepEqual(paused, [writerId]);
    assert.equal(during.length, 1, 'one record while paused');
    assert.deepEqual(owner, { host: here, pid: process.pid });
    assert.deepEqual(records(), [], 'no record after the resume');
    assert.equal(state(writer), 'running');
  });
});
