import { jest } from '@jest/globals';
import type { DataSource } from 'typeorm';
import type { AppConfig } from '@config/app.config.js';
import { aKey } from '@test/factories/jwk.factory.js';
import type { OrganisationKey } from '../domain/organisation.js';
import { OrganisationKeysRotatedEvent } from '../domain/organisation-keys-rotated.event.js';
import type { OrganisationRepository } from '../domain/organisation.repository.port.js';
import { OrganisationKeyCache } from './organisation-key.cache.js';

describe(OrganisationKeyCache.name, () => {
  let rows: { kind: string; jwk: Record<string, unknown> }[];
  let query: jest.Mock<(sql: string, params: unknown[]) => Promise<unknown[]>>;
  let stored: OrganisationKey | null;
  let findKey: jest.Mock<(orgId: string, kid: string) => Promise<OrganisationKey | null>>;
  let sut: OrganisationKeyCache;
  const make = (ttl: number) =>
    new OrganisationKeyCache(
      { query } as unknown as DataSource,
      { keyCacheTtlMs: ttl } as AppConfig,
      {
        findKey,
      } as unknown as OrganisationRepository,
    );

  beforeEach(async () => {
    const key = await aKey('k1');
    const jwk = { ...key.publicJwk, alg: 'ES256' };
    rows = [{ kind: 'POLICE', jwk }];
    query = jest.fn(() => Promise.resolve(rows));
    stored = { kid: 'k1', jwk, addedAt: new Date(0), revokedAt: null } as unknown as OrganisationKey;
    findKey = jest.fn(() => Promise.resolve(stored));
    sut = make(60_000);
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

  it('keeps nothing from a read begun before a rotation was announced, and reads again for those who ask after it', async () => {
    let finish!: () => void;
    const held = rows;
    query.mockImplementationOnce(() => new Promise((resolve) => (finish = () => resolve(held))));
    const early = sut.findActiveKey('police-a', 'k1');
    sut.handle(new OrganisationKeysRotatedEvent('police-a', [], ['k1']));
    rows = [];
    const after = sut.findActiveKey('police-a', 'k1');
    finish();
    expect(await early).not.toBeNull();
    expect(await after).toBeNull();
    expect(await sut.findActiveKey('police-a', 'k1')).toBeNull();
    expect(query).toHaveBeenCalledTimes(2);
  });

  it('reloads after the TTL, so a rotation on another instance takes effect within it', async () => {
    sut = make(0);
    await sut.findActiveKey('police-a', 'k1');
    rows = [];
    expect(await sut.findActiveKey('police-a', 'k1')).toBeNull();
    expect(query).toHaveBeenCalledTimes(2);
  });

  describe('registered keys (as stored, for a signature made at some instant)', () => {
    it('answers repeated and concurrent look-ups from one read, with the key imported', async () => {
      const [a, b] = await Promise.all([sut.registered('police-a', 'k1'), sut.registered('police-a', 'k1')]);
      expect(a).toBe(b);
      expect(a?.key).toBe(stored);
      expect(a?.imported.type).toBe('public');
      await sut.registered('police-a', 'k1');
      expect(findKey).toHaveBeenCalledTimes(1);
      expect(findKey.mock.calls[0]).toEqual(['police-a', 'k1']);
    });

    it('keeps no miss, so a key added through another instance verifies at once', async () => {
      const key = stored;
      stored = null;
      expect(await sut.registered('police-a', 'k1')).toBeNull();
      stored = key;
      expect((await sut.registered('police-a', 'k1'))?.key).toBe(key);
      expect(findKey).toHaveBeenCalledTimes(2);
    });

    it('keeps no failed read', async () => {
      findKey.mockImplementationOnce(() => Promise.reject(new Error('connection lost')));
      await expect(sut.registered('police-a', 'k1')).rejects.toThrow('connection lost');
      expect((await sut.registered('police-a', 'k1'))?.key).toBe(stored);
      expect(findKey).toHaveBeenCalledTimes(2);
    });

    it("reads again at once when the organisation's keys' rotation is announced, and only that organisation's", async () => {
      await sut.registered('police-a', 'k1');
      await sut.registered('police-ab', 'k1');
      const revoked = { ...stored, revokedAt: new Date() } as unknown as OrganisationKey;
      stored = revoked;
      sut.handle(new OrganisationKeysRotatedEvent('police-a', [], ['k1']));
      expect((await sut.registered('police-a', 'k1'))?.key).toBe(revoked);
      expect((await sut.registered('police-ab', 'k1'))?.key).not.toBe(revoked);
      expect(findKey).toHaveBeenCalledTimes(3);
    });

    it('reads again after the TTL, so a revocation through another instance counts within it', async () => {
      sut = make(0);
      await sut.registered('police-a', 'k1');
      await sut.registered('police-a', 'k1');
      expect(findKey).toHaveBeenCalledTimes(2);
    });
  });
});
