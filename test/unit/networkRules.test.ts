import assert from 'node:assert/strict';
import { checkAddressInSubnet, overlaps, parseSubnet } from '../../src/model/cidr';
import { toNetwork } from '../../src/model/mapping';
import {
  checkAddressPlan, checkAliases, checkConnectable, checkCreateSpec, checkNetworkName, checkStaticAddress, checkSubnet, creatableDrivers,
  isAddressPoolExhausted, parseKeyValues,
} from '../../src/model/networkRules';
import { networkPrunePreview } from '../../src/model/prune/networks';
import type { NetworkMember, NetworkModel } from '../../src/model/types';

const net = (name: string, subnet?: string, extra: Record<string, unknown> = {}): NetworkModel => toNetwork({
  Id: `${name}-id`, Name: name, Driver: name === 'host' ? 'host' : name === 'none' ? 'null' : 'bridge',
  IPAM: { Config: subnet ? [{ Subnet: subnet }] : [] }, ...extra,
});
const existing = [net('bridge', '172.17.0.0/16'), net('host'), net('none'), net('backend', '10.10.0.0/24')];

suite('subnets (cidr)', () => {
  test('valid, invalid and host-bits-set subnets', () => {
    assert.equal(parseSubnet('10.1.0.0/16').ok, true);
    assert.equal(parseSubnet('fd00:1::/64').ok, true);
    const noPrefix = parseSubnet('10.1.0.0');
    assert.ok(!noPrefix.ok && /CIDR/.test(noPrefix.error));
    const bad = parseSubnet('10.1.0.300/16');
    assert.ok(!bad.ok && /not a valid subnet/.test(bad.error));
    const hostBits = parseSubnet('10.1.2.3/16');
    assert.ok(!hostBits.ok && /did you mean 10\.1\.0\.0\/16/.test(hostBits.error));
  });

  test('overlap is symmetric and family-aware', () => {
    const a = (parseSubnet('10.0.0.0/8') as { ok: true; subnet: never }).subnet;
    const b = (parseSubnet('10.20.0.0/16') as { ok: true; subnet: never }).subnet;
    const c = (parseSubnet('192.168.0.0/16') as { ok: true; subnet: never }).subnet;
    const v6 = (parseSubnet('::/0') as { ok: true; subnet: never }).subnet;
    assert.equal(overlaps(a, b), true);
    assert.equal(overlaps(b, a), true);
    assert.equal(overlaps(a, c), false);
    assert.equal(overlaps(a, v6), false);
  });

  test('addresses inside a subnet, not its network or broadcast address', () => {
    const s = (parseSubnet('10.9.0.0/24') as { ok: true; subnet: never }).subnet;
    assert.equal(checkAddressInSubnet('10.9.0.1', s, 'Gateway'), undefined);
    assert.match(checkAddressInSubnet('10.9.1.1', s, 'Gateway')!, /outside the subnet 10\.9\.0\.0\/24/);
    assert.match(checkAddressInSubnet('10.9.0.0', s, 'Gateway')!, /network address/);
    assert.match(checkAddressInSubnet('10.9.0.255', s, 'Gateway')!, /broadcast address/);
    assert.match(checkAddressInSubnet('not-an-ip', s, 'Gateway')!, /not an IP address/);
  });
});

suite('network rules', () => {
  test('names: hostile and invalid names are refused with a reason', () => {
    assert.equal(checkNetworkName('backend-2.internal_x'), undefined);
    for (const bad of ['', ' ', '../etc', 'a b', 'x;rm -rf /', '$(id)', '-leading', 'name/with/slash', 'ünï', 'a'.repeat(129)]) {
      assert.ok(checkNetworkName(bad), `"${bad}" should be refused`);
    }
    assert.match(checkNetworkName('host')!, /reserved/);
    assert.match(checkNetworkName('backend', existing)!, /already exists/);
  });

  test('drivers: overlay only on a Swarm manager, never host or none', () => {
    assert.deepEqual(creatableDrivers(false), ['bridge', 'macvlan', 'ipvlan']);
    assert.ok(creatableDrivers(true).includes('overlay'));
    assert.ok(!creatableDrivers(true).some((d) => (d as string) === 'host' || (d as string) === 'null'));
  });

  test('address plan: overlap names the network, gateway and range must be inside', () => {
    assert.match(checkSubnet('10.10.0.128/25', existing)!, /overlaps 10\.10\.0\.0\/24 of network "backend"/);
    assert.equal(checkSubnet('10.11.0.0/24', existing), undefined);
    assert.deepEqual(checkAddressPlan({ subnet: '10.11.0.0/24', gateway: '10.11.0.1', ipRange: '10.11.0.128/25' }, existing), {});
    assert.match(checkAddressPlan({ subnet: '10.11.0.0/24', gateway: '10.12.0.1' }, existing).gateway!, /outside/);
    assert.match(checkAddressPlan({ subnet: '10.11.0.0/24', ipRange: '10.11.0.0/16' }, existing).ipRange!, /not inside/);
    assert.match(checkAddressPlan({ gateway: '10.11.0.1' }, existing).gateway!, /needs a subnet/);
  });

  test('a whole create spec is checked before anything is sent', () => {
    assert.equal(checkCreateSpec({ name: 'ok-net', subnet: '10.50.0.0/24', gateway: '10.50.0.1' }, existing, false), undefined);
    assert.match(checkCreateSpec({ name: 'x', driver: 'host' }, existing, false)!, /cannot be used/);
    assert.match(checkCreateSpec({ name: 'x', driver: 'overlay' }, existing, false)!, /Swarm manager/);
    assert.equal(checkCreateSpec({ name: 'x', driver: 'overlay', attachable: true }, existing, true), undefined);
    assert.match(checkCreateSpec({ name: 'x', driver: 'macvlan' }, existing, false)!, /parent host interface/);
    assert.match(checkCreateSpec({ name: 'x', labels: { 'bad key': 'v' } }, existing, false)!, /Label key/);
    assert.match(checkCreateSpec({ name: 123 as unknown as string }, existing, false)!, /Give the network a name/);
  });

  test('static addresses, aliases and key=value lists', () => {
    const backend = existing[3];
    const member = { container: { name: 'db' }, attachment: { ipv4: '10.10.0.5' } } as unknown as NetworkMember;
    assert.equal(checkStaticAddress('10.10.0.9', backend, [member]), undefined);
    assert.match(checkStaticAddress('10.10.0.5', backend, [member])!, /already used by db/);
    assert.match(checkStaticAddress('10.20.0.5', backend, [])!, /outside/);
    assert.match(checkStaticAddress('10.10.0.5', net('plain'), [])!, /no subnet of its own/);
    assert.deepEqual(checkAliases('web, api  web').aliases, ['web', 'api']);
    assert.match(checkAliases('ok, bad alias;').error!, /"alias;" is not a valid alias/);
    assert.deepEqual(parseKeyValues('a=1, b = two=2', 'Label').values, { a: '1', b: 'two=2' });
    assert.match(parseKeyValues('novalue', 'Label').error!, /not key=value/);
  });

  test('prune preview: unused user networks only, built-ins never, protected ones marked', () => {
    const used = net('used', '10.60.0.0/24');
    const unused = net('unused', '10.61.0.0/24');
    const declared = net('shop_default', '10.62.0.0/24');
    const members = (n: NetworkModel) => (n === used ? [{} as NetworkMember] : []);
    const preview = networkPrunePreview([...existing.slice(0, 3), used, unused, declared], members, new Map([['shop_default', 'declared in compose.yaml']]));
    assert.deepEqual(preview.map((c) => c.network.name), ['shop_default', 'unused']);
    assert.equal(preview[0].protectedBecause, 'declared in compose.yaml');
    assert.equal(preview[1].protectedBecause, undefined);
  });

  test('Swarm scope: only attachable overlays take standalone containers; host and none take none', () => {
    const overlay = (attachable: boolean) => toNetwork({ Id: 'o', Name: 'mesh', Driver: 'overlay', Scope: 'swarm', Attachable: attachable });
    assert.match(checkConnectable(overlay(false))!, /only services can join.*--attachable/);
    assert.equal(checkConnectable(overlay(true)), undefined);
    assert.match(checkConnectable(toNetwork({ Id: 'i', Name: 'ingress', Driver: 'overlay', Scope: 'swarm', Ingress: true, Attachable: true }))!, /routing mesh/);
    assert.match(checkConnectable(existing[1])!, /network mode/);
    assert.equal(checkConnectable(existing[3]), undefined);
  });

  test('the engine\'s "no address pool left" answer is recognised', () => {
    assert.ok(isAddressPoolExhausted('could not find an available, non-overlapping IPv4 address pool among the defaults to assign to the network'));
    assert.ok(isAddressPoolExhausted('all predefined address pools have been fully subnetted'));
    assert.ok(!isAddressPoolExhausted('network with name x already exists'));
  });
});
