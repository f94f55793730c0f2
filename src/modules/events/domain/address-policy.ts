import { BlockList, isIP } from 'node:net';

/**
 * Addresses a webhook may never reach unless the operator allows them: unspecified, loopback,
 * link-local, private (RFC 1918, unique local), shared (CGNAT), benchmarking, multicast and
 * reserved ranges. The gateway's own networks are private ones in every deployment we support.
 */
const FORBIDDEN_V4 = new BlockList();
// Apart: a BlockList checks an IPv4 address against IPv6 rules too (as ::ffff:a.b.c.d and the like),
// and the IPv6 rules below cover the IPv4-embedding ranges.
const FORBIDDEN_V6 = new BlockList();
for (const [net, bits] of [
  ['0.0.0.0', 8],
  ['10.0.0.0', 8],
  ['100.64.0.0', 10],
  ['127.0.0.0', 8],
  ['169.254.0.0', 16],
  ['172.16.0.0', 12],
  ['192.0.0.0', 24],
  ['192.0.2.0', 24],
  ['192.88.99.0', 24],
  ['192.168.0.0', 16],
  ['198.18.0.0', 15],
  ['198.51.100.0', 24],
  ['203.0.113.0', 24],
  ['224.0.0.0', 4],
  ['240.0.0.0', 4],
] as const)
  FORBIDDEN_V4.addSubnet(net, bits, 'ipv4');
for (const [net, bits] of [
  // Unspecified, loopback and the deprecated IPv4-compatible ::a.b.c.d where embeddedV4 has not
  // read it as its IPv4 address (the hexadecimal spellings, ::7f00:1).
  ['::', 96],
  // IPv4-mapped and -translated forms embeddedV4 does not read: refused rather than guessed at.
  ['::ffff:0:0', 96],
  ['::ffff:0:0:0', 96],
  // Transition mechanisms that carry an IPv4 address inside: 6to4 and Teredo.
  ['2002::', 16],
  ['2001::', 32],
  ['64:ff9b::', 96],
  ['64:ff9b:1::', 48],
  ['100::', 64],
  ['2001:db8::', 32],
  ['fc00::', 7],
  ['fe80::', 10],
  ['fec0::', 10],
  ['ff00::', 8],
] as const)
  FORBIDDEN_V6.addSubnet(net, bits, 'ipv6');

/** The IPv4 address inside an IPv4-mapped or -compatible IPv6 address (::ffff:a.b.c.d), if any. */
function embeddedV4(address: string): string | null {
  const m = /^::(?:ffff:)?(\d+\.\d+\.\d+\.\d+)$/i.exec(address);
  if (m) return m[1];
  const h = /^::ffff:([0-9a-f]{1,4}):([0-9a-f]{1,4})$/i.exec(address);
  if (h) {
    const hi = parseInt(h[1], 16);
    const lo = parseInt(h[2], 16);
    return `${hi >> 8}.${hi & 255}.${lo >> 8}.${lo & 255}`;
  }
  return null;
}

/** The operator's WEBHOOK_ALLOW_HOSTS: names matched exactly, addresses and CIDR ranges by containment. */
export class AllowList {
  private readonly names = new Set<string>();
  // Apart, as FORBIDDEN_V4 and FORBIDDEN_V6 are: an IPv6 entry such as ::/0 must not allow IPv4.
  private readonly v4 = new BlockList();
  private readonly v6 = new BlockList();

  constructor(entries: readonly string[]) {
    for (const e of entries) {
      const [addr, bits] = e.split('/');
      const family = isIP(addr);
      const list = family === 4 ? this.v4 : this.v6;
      if (family === 0) this.names.add(e.toLowerCase());
      else if (bits !== undefined) list.addSubnet(addr, Number(bits), family === 4 ? 'ipv4' : 'ipv6');
      else list.addAddress(addr, family === 4 ? 'ipv4' : 'ipv6');
    }
  }

  hasName(host: string): boolean {
    return this.names.has(host.toLowerCase());
  }

  hasAddress(address: string): boolean {
    const v4 = isIP(address) === 4 ? address : embeddedV4(address);
    if (v4) return this.v4.check(v4, 'ipv4');
    return this.v6.check(address, 'ipv6');
  }
}

/** True when a webhook must not reach `address` (unless the operator allows it). */
export function isForbiddenAddress(address: string): boolean {
  const family = isIP(address);
  if (family === 0) return true;
  const v4 = family === 4 ? address : embeddedV4(address);
  if (v4) return FORBIDDEN_V4.check(v4, 'ipv4');
  return FORBIDDEN_V6.check(address, 'ipv6');
}
