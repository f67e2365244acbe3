/**
 * Subnet and address checks shared by network creation and the Compose rules: valid CIDR, address inside a
 * subnet, overlapping subnets. Parsing is ipaddr.js's; this file only phrases the answers.
 */
import ipaddr from 'ipaddr.js';

export interface Subnet {
  /** As written, trimmed. */
  text: string;
  family: 'ipv4' | 'ipv6';
  address: ipaddr.IPv4 | ipaddr.IPv6;
  prefix: number;
}

export type SubnetResult = { ok: true; subnet: Subnet } | { ok: false; error: string };

export function parseSubnet(text: string): SubnetResult {
  const value = text.trim();
  if (!value.includes('/')) return { ok: false, error: `"${value}" is not a subnet in CIDR notation (for example 172.28.0.0/16).` };
  let parsed: [ipaddr.IPv4 | ipaddr.IPv6, number];
  try {
    parsed = ipaddr.parseCIDR(value);
  } catch {
    return { ok: false, error: `"${value}" is not a valid subnet: expected an address and a prefix length, for example 172.28.0.0/16 or fd00:1::/64.` };
  }
  const [address, prefix] = parsed;
  const family = address.kind();
  // The engine accepts only the network address itself ("10.1.2.0/24", not "10.1.2.3/24").
  const network = family === 'ipv4'
    ? ipaddr.IPv4.networkAddressFromCIDR(value)
    : ipaddr.IPv6.networkAddressFromCIDR(value);
  if (network.toString() !== address.toString()) {
    return { ok: false, error: `"${value}" has host bits set: did you mean ${network.toString()}/${prefix}?` };
  }
  return { ok: true, subnet: { text: value, family, address, prefix } };
}

export function parseAddress(text: string): ipaddr.IPv4 | ipaddr.IPv6 | undefined {
  const value = text.trim();
  if (!ipaddr.isValid(value)) return undefined;
  const address = ipaddr.parse(value);
  // Normalise IPv4-mapped IPv6 so it compares with IPv4 subnets.
  return address.kind() === 'ipv6' && (address as ipaddr.IPv6).isIPv4MappedAddress() ? (address as ipaddr.IPv6).toIPv4Address() : address;
}

export function contains(subnet: Subnet, address: ipaddr.IPv4 | ipaddr.IPv6): boolean {
  if (address.kind() !== subnet.family) return false;
  return address.match([subnet.address, subnet.prefix] as [typeof address, number]);
}

/** Two subnets overlap when either holds the other's network address. */
export function overlaps(a: Subnet, b: Subnet): boolean {
  return a.family === b.family && (contains(a, b.address) || contains(b, a.address));
}

/** An address that may be used inside a subnet (a gateway, a static IP): inside it, not its network or broadcast address. */
export function checkAddressInSubnet(text: string, subnet: Subnet, what: string): string | undefined {
  const address = parseAddress(text);
  if (!address) return `${what} "${text.trim()}" is not an IP address.`;
  if (!contains(subnet, address)) return `${what} ${address.toString()} is outside the subnet ${subnet.text}.`;
  if (subnet.family === 'ipv4' && subnet.prefix < 31) {
    if (address.toString() === subnet.address.toString()) return `${what} ${address.toString()} is the network address of ${subnet.text}.`;
    const broadcast = ipaddr.IPv4.broadcastAddressFromCIDR(subnet.text);
    if (address.toString() === broadcast.toString()) return `${what} ${address.toString()} is the broadcast address of ${subnet.text}.`;
  }
  return undefined;
}

/** A range (IP range of a network) must lie inside its subnet. */
export function checkRangeInSubnet(text: string, subnet: Subnet): string | undefined {
  const range = parseSubnet(text);
  if (!range.ok) return range.error.replace('subnet', 'IP range');
  if (range.subnet.family !== subnet.family || range.subnet.prefix < subnet.prefix || !contains(subnet, range.subnet.address)) {
    return `IP range ${range.subnet.text} is not inside the subnet ${subnet.text}.`;
  }
  return undefined;
}
