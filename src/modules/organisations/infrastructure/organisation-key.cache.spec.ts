import { jest } from '@jest/globals';
import type { DataSource } from 'typeorm';
import type { AppConfig } from '@config/app.config.js';
import { aKey } from '@test/factories/jwk.factory.js';
import { OrganisationKeysRotatedEvent } from '../domain/organisation-keys-rotated.event.js';
import { OrganisationKeyCache } from './organisation-key.cache.js';

describe(OrganisationKeyCache.name, () => {
  let rows: { kind: string; jwk: Record<string, unknown> }[];
  let query: jest.Mock<(sql: string, params: unknown[]) => Promise<unknown[]>>;
  let sut: OrganisationKeyCache;

  beforeEach(async () => {
    const key = await aKey('k1');
    rows = [{ kind: 'POLICE', jwk: { ...key.publicJwk, alg: 'ES256' } }];
    query = jest.fn(() => Promise.resolve(rows));
    sut = new OrganisationKeyCache({ query } as unknown as DataSource, { keyCacheTtlMs: 60_000 } as AppConfig);
  });

  it('resolves an active key to a CryptoKey with the organisation and its kind', async () => {
    const k = await sut.findActiveKey('police-a', 'k1');
    expect(k).toEqual(expect.objectContaining({ orgId: 'police-a', orgKind: 'POLICE', kid: 'k1', alg: 'ES256' }));
    expect(k?.key.type).toBe('public');
    expect(query.mock.calls[0][1]).toEqual(['police-a', 'k1']);
  });

  it('answers repeated and concurrent look-ups from one query', async () => {
    await Promise.all([sut.findActiveKey('police-a', 'k1'), sut.findActiveKey('police-a', 'k1')]);
    await sut.findActiveKey('police-a', 'k1');
    expect(query).toHaveBeenCalledTimes(1);
  });

  it('caches misses too, per (organisation, kid)', async () => {
    rows = [];
    expect(await sut.findActiveKey('police-a', 'nope')).toBeNull();
    expect(await sut.findActiveKey('police-a', 'nope')).toBeNull();
    expect(query).toHaveBeenCalledTimes(1);
    await sut.findActiveKey('police-b', 'nope');
    expect(query).toHaveBeenCalledTimes(2);
  });

  it("forgets an organisation at once when its keys' rotation is announced, and only that organisation", async () => {
    await sut.findActiveKey('police-a', 'k1');
    await sut.findActiveKey('police-ab', 'k1');
    rows = [];
    sut.handle(new OrganisationKeysRotatedEvent('police-a', [], ['k1']));
    expect(await sut.findActiveKey('police-a', 'k1')).toBeNull();
    expect(await sut.findActiveKey('police-ab', 'k1')).not.toBeNull();
    expect(query).toHaveBeenCalledTimes(3);
  });

  it('reloads after the TTL, so a rotation on another instance takes effect within it', async () => {
    sut = new OrganisationKeyCache({ query } as unknown as DataSource, { keyCacheTtlMs: 0 } as AppConfig);
    await sut.findActiveKey('police-a', 'k1');
    rows = [];
    expect(await sut.findActiveKey('police-a', 'k1')).toBeNull();
    expect(query).toHaveBeenCalledTimes(2);
  });
});
