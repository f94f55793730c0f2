import { AllowList, isForbiddenAddress } from './address-policy.js';

describe('isForbiddenAddress', () => {
  it.each([
    '127.0.0.1',
    '127.8.9.10',
    '10.0.0.1',
    '172.16.0.1',
    '172.31.255.255',
    '192.168.1.1',
    '169.254.169.254',
    '100.64.0.1',
    '0.0.0.0',
    '224.0.0.1',
    '255.255.255.255',
    '::',
    '::1',
    'fe80::1',
    'fd00::1',
    'fc00::1',
    'ff02::1',
    '::ffff:127.0.0.1',
    '::ffff:7f00:1',
    '::ffff:10.0.0.1',
    // IPv4 inside other IPv6 forms: IPv4-compatible, IPv4-translated, 6to4, Teredo, the 6to4 relay.
    '::7f00:2',
    '::a00:1',
    '::ffff:0:a00:1',
    '2002:7f00:1::',
    '2001:0:4136:e378:8000:63bf:3fff:fdd2',
    '192.88.99.1',
    '64:ff9b:1::a00:1',
  ])('refuses %s', (a) => expect(isForbiddenAddress(a)).toBe(true));
  it.each(['8.8.8.8', '1.1.1.1', '172.32.0.1', '2001:4860:4860::8888', '::ffff:8.8.8.8'])('allows %s', (a) =>
    expect(isForbiddenAddress(a)).toBe(false),
  );
  it('refuses what is not an address', () => expect(isForbiddenAddress('example.com')).toBe(true));
});

describe(AllowList.name, () => {
  const sut = new AllowList(['127.0.0.1', '10.1.0.0/16', 'receiver.internal', 'fd00::/8']);
  it('matches names exactly and addresses by containment, IPv4-mapped too', () => {
    expect(sut.hasName('RECEIVER.internal')).toBe(true);
    expect(sut.hasName('other.internal')).toBe(false);
    expect(sut.hasAddress('127.0.0.1')).toBe(true);
    expect(sut.hasAddress('127.0.0.2')).toBe(false);
    expect(sut.hasAddress('10.1.200.3')).toBe(true);
    expect(sut.hasAddress('::ffff:10.1.0.9')).toBe(true);
    expect(sut.hasAddress('10.2.0.1')).toBe(false);
    expect(sut.hasAddress('fd12::1')).toBe(true);
  });
  it('never lets an IPv6 entry allow an IPv4 address', () => {
    const v6Only = new AllowList(['::/0']);
    expect(v6Only.hasAddress('2001:db8::1')).toBe(true);
    for (const a of ['127.0.0.1', '169.254.169.254', '::ffff:127.0.0.1']) expect(v6Only.hasAddress(a)).toBe(false);
  });
});
