import { UnsafeUrlError, UrlGuard } from './url-guard.js';

describe(UrlGuard.name, () => {
  const guard = new UrlGuard({ events: { allowHosts: [] } } as never);
  const refusal = (url: string) =>
    guard.check(url).then(
      () => 'accepted',
      (e: unknown) => (e instanceof UnsafeUrlError ? e.message : `unexpected ${String(e)}`),
    );

  it("answers a name that does not resolve as one that resolves to a forbidden address: the gateway's network is not probed through it", async () => {
    const words = await Promise.all(
      ['https://localhost/hook', 'https://no-such-host.invalid/hook'].map((u) => refusal(u)),
    );
    expect(words[0]).toMatch(/only to public addresses/);
    expect(words[1]).toBe(words[0]);
  });

  it.each([' https://8.8.8.8/', 'https://8.8.8.8/\t', 'https://8.8.8.8\\@127.0.0.1/', 'https://8.8.8.8:0/'])(
    'refuses %j, which parsers read differently',
    async (url) => {
      expect(await refusal(url)).not.toBe('accepted');
    },
  );

  it('names a forbidden literal address as such', async () => {
    expect(await refusal('https://10.0.0.1/')).toMatch(/private/);
  });
});
