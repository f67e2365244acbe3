import assert from 'node:assert/strict';
import { toNetwork, toVolume, containerFromInspect } from '../../src/model/mapping';
import {
  describeNetwork, describeNetworkMember, describeVolume, describeVolumeUser, escapeMarkdown, groupByProject,
  nameResolution, naturalOrder, sortBy,
} from '../../src/views/describe';
import { formatBytes } from '../../src/model/format';

const backend = toNetwork({
  Id: 'f00dbabe12345678', Name: 'backend', Driver: 'bridge', Scope: 'local', Attachable: true,
  IPAM: { Config: [{ Subnet: '10.10.0.0/24', Gateway: '10.10.0.1' }] }, Labels: { team: 'a|b' },
});
const bridge = toNetwork({ Id: 'b1', Name: 'bridge', Driver: 'bridge', Scope: 'local', IPAM: { Config: [{ Subnet: '172.17.0.0/16' }] } });
const api = containerFromInspect({
  Id: 'c0ffee0000000000', Name: '/api', Config: { Image: 'busybox' }, State: { Status: 'running' },
  NetworkSettings: { Networks: { backend: { NetworkID: backend.id, IPAddress: '10.10.0.2', Aliases: ['api-alias'] } } },
  Mounts: [{ Type: 'volume', Name: 'pgdata', Destination: '/var/lib/pg', RW: true }],
});

suite('tree row descriptions', () => {
  test('network row: driver · scope · first subnet · flags, and what it can do', () => {
    const row = describeNetwork(backend, [{ container: api, attachment: api.attachments[0] }]);
    assert.equal(row.label, 'backend');
    assert.equal(row.description, 'bridge · local · 10.10.0.0/24 · attachable');
    assert.match(row.contextValue, /\bnetwork\.custom\b/);
    assert.match(row.contextValue, /\bnetwork\.inUse\b/);
    assert.doesNotMatch(row.contextValue, /\bnetwork\.builtin\b/);
  });

  test('built-in network row is marked and cannot be removed', () => {
    const row = describeNetwork(bridge, []);
    assert.match(row.description, /built-in/);
    assert.match(row.contextValue, /\bnetwork\.builtin\b/);
    assert.doesNotMatch(row.contextValue, /\bnetwork\.custom\b/);
    assert.equal(row.icon.id, 'lock-small');
  });

  test('network tooltip lists IPAM and says whether names resolve', () => {
    const tip = describeNetwork(backend, []).tooltip();
    assert.ok(tip.includes('Subnet: `10.10.0.0/24`'), tip);
    assert.ok(tip.includes('Gateway: `10.10.0.1`'), tip);
    assert.match(tip, /reach each other by name/);
    assert.ok(tip.includes('team: `a|b`'), 'label values sit in code spans, where markdown is inert');
    const hostile = describeNetwork({ ...backend, labels: { x: 'a`b [l](command:evil)' } }, []).tooltip();
    assert.ok(hostile.includes("x: `a'b [l](command:evil)`"), 'a backtick cannot close the code span early');
    assert.match(describeNetwork(bridge, []).tooltip(), /No name resolution on the default bridge/);
    assert.equal(nameResolution(bridge), 'none');
    assert.equal(nameResolution(backend), 'byName');
    assert.equal(nameResolution(toNetwork({ Id: 'h', Name: 'host', Driver: 'host' })), 'notApplicable');
  });

  test('container under a network: state, IPv4 and aliases', () => {
    const row = describeNetworkMember({ container: api, attachment: api.attachments[0] });
    assert.equal(row.label, 'api');
    assert.equal(row.description, 'running · 10.10.0.2 · aliases: api-alias');
    assert.match(row.contextValue, /\bcontainer\.running\b/);
  });

  test('volume row: driver · size · use', () => {
    const pg = toVolume({ Name: 'pgdata', Driver: 'local' });
    const users = [{ container: api, mount: api.mounts[0] }];
    assert.equal(describeVolume(pg, users, { size: 1536, refCount: 1 }).description, 'local · 1.5 KB · 1 container');
    assert.equal(describeVolume(pg, [], undefined).description, 'local · unused');
    const scheduled = describeVolume(pg, [], undefined, undefined, { interval: 'daily', keep: 7 });
    assert.equal(scheduled.description, 'local · unused · daily backup');
    assert.match(scheduled.contextValue, /\bvolume\.scheduled\b/);
    assert.match(scheduled.tooltip(), /Scheduled backup: `daily, the last 7 kept`/);
    assert.doesNotMatch(scheduled.tooltip(), /Last scheduled backup/, 'no times before the scheduler has looked');
    const timed = describeVolume(pg, [], undefined, undefined, { interval: 'daily', keep: 7, last: Date.UTC(2026, 10, 22, 2, 10), next: Date.UTC(2099, 0, 1) });
    assert.match(timed.tooltip(), /Last scheduled backup: `2026-11-22 02:10:00 UTC`/);
    assert.match(timed.tooltip(), /Next scheduled backup: `2099-01-01 00:00:00 UTC`/);
    assert.match(describeVolume(pg, [], undefined, undefined, { interval: 'daily', keep: 7, next: 1 }).tooltip(), /Next scheduled backup: `now`/);
    assert.match(describeVolume(pg, [], undefined).contextValue, /\bvolume\.unused\b/);
    assert.match(describeVolume(pg, users, undefined).contextValue, /\bvolume\.inUse\b/);
    const anon = describeVolume(toVolume({ Name: 'a'.repeat(64) }), [], undefined);
    assert.equal(anon.label, 'a'.repeat(12));
    assert.match(anon.contextValue, /\bvolume\.anonymous\b/);
  });

  test('volume user row: mount path and access', () => {
    assert.equal(describeVolumeUser({ container: api, mount: api.mounts[0] }).description, '/var/lib/pg · read-write · running');
  });

  test('bytes are formatted for people', () => {
    assert.equal(formatBytes(0), '0 B');
    assert.equal(formatBytes(1023), '1023 B');
    assert.equal(formatBytes(1024 * 1024 * 1.25), '1.3 MB');
    assert.equal(formatBytes(1024 ** 3 * 250), '250 GB');
    assert.equal(formatBytes(-1), '?');
  });

  test('markdown escaping covers table and link syntax', () => {
    assert.equal(escapeMarkdown('[x](y)|*'), '\\[x\\]\\(y\\)\\|\\*');
  });

  test('sort by name is natural; by created is newest first', () => {
    const items = [{ name: 'net10', created: 1 }, { name: 'net2', created: 3 }, { name: 'Net1', created: 2 }];
    assert.deepEqual(sortBy(items, 'name').map((i) => i.name), ['Net1', 'net2', 'net10']);
    assert.deepEqual(sortBy(items, 'created').map((i) => i.name), ['net2', 'Net1', 'net10']);
  });

  test('sort: the collator alone decides, whatever the names (case, numbers of any width, hex, punctuation, accents)', () => {
    let x = 7;
    const next = () => { x ^= x << 13; x ^= x >>> 17; x ^= x << 5; return (x >>> 0) / 2 ** 32; };
    const parts = ['a', 'B', 'vol', 'Vol', '-', '_', '.', '0', '1', '2', '10', '007', 'é', 'E', 'ff', '9a', 'Z', 'data'];
    for (let round = 0; round < 50; round++) {
      const items = Array.from({ length: 200 }, () => ({
        name: Array.from({ length: 1 + Math.floor(next() * 5) }, () => parts[Math.floor(next() * parts.length)]).join(''),
        created: Math.floor(next() * 20),
      }));
      for (const order of ['name', 'created'] as const) {
        const sorted = sortBy(items, order);
        assert.deepEqual([...sorted].sort((a, b) => items.indexOf(a) - items.indexOf(b)), items, 'the same items');
        for (let i = 1; i < sorted.length; i++) {
          const [a, b] = [sorted[i - 1], sorted[i]];
          const byName = naturalOrder.compare(a.name, b.name);
          const cmp = order === 'created' ? b.created - a.created || byName : byName;
          assert.ok(cmp <= 0, `${order}: ${JSON.stringify(a)} before ${JSON.stringify(b)}`);
        }
      }
    }
  });

  test('group by project keeps ungrouped items apart', () => {
    const { projects, rest } = groupByProject([{ project: 'b' }, { project: undefined }, { project: 'a' }, { project: 'b' }]);
    assert.deepEqual([...projects.keys()], ['a', 'b']);
    assert.equal(projects.get('b')!.length, 2);
    assert.equal(rest.length, 1);
  });
});
