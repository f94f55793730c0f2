import { randomBytes, randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import type { Principal } from '@shared/auth/principal.js';
import { NotFoundException, ValidationException } from '@shared/errors/index.js';
import { EventStore } from '../domain/event-store.port.js';
import { UnsafeUrlError, UrlGuard } from './url-guard.js';

export interface SubscriptionView {
  id: string;
  url: string;
  types: string[];
  signature: 'v1a' | 'v1';
  /** Only in the answer to the creation of a `v1` subscription: never shown again. */
  secret?: string;
}

/** An organisation's webhook subscriptions; each call acts on the caller's own organisation only. */
@Injectable()
export class SubscriptionsService {
  constructor(
    private readonly repo: EventStore,
    private readonly guard: UrlGuard,
  ) {}

  async create(
    p: Principal,
    input: { url: string; types: string[]; signature?: 'v1a' | 'v1' },
  ): Promise<SubscriptionView> {
    let url: string;
    try {
      // Stored as parsed (WHATWG), so what is shown, kept and delivered to is one reading of it.
      url = (await this.guard.check(input.url)).url.href;
    } catch (e) {
      if (e instanceof UnsafeUrlError)
        throw new ValidationException([{ field: 'url', message: e.message }], `url ${e.message}.`);
      throw e;
    }
    const types = input.types.includes('*') ? ['*'] : [...input.types].sort();
    const scheme = input.signature ?? 'v1a';
    const secret = scheme === 'v1' ? `whsec_${randomBytes(32).toString('base64')}` : null;
    const id = randomUUID();
    await this.repo.create({ id, org: p.org, url, types, scheme, secret, by: p.sub });
    return { id, url, types, signature: scheme, ...(secret ? { secret } : {}) };
  }

  async list(p: Principal) {
    const rows = await this.repo.list(p.org);
    return rows.map((r) => ({
      id: r.id,
      url: r.url,
      types: r.types,
      signature: r.scheme,
      createdAt: r.created_at.toISOString(),
      delivered: Number(r.delivered),
      failedAttempts: Number(r.failures),
      deadLetters: Number(r.dead_letters),
      backlog: Number(r.backlog),
    }));
  }

  async delete(p: Principal, id: string): Promise<void> {
    if (!(await this.repo.delete(p.org, id))) throw new NotFoundException('The subscription');
  }

  async replay(p: Principal, id: string): Promise<{ id: string; requeued: number }> {
    const n = await this.repo.replay(p.org, id);
    if (n === null) throw new NotFoundException('The subscription');
    return { id, requeued: n };
  }
}
