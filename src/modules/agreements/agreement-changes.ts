import { Inject, Injectable } from '@nestjs/common';
import { EventBus } from '@nestjs/cqrs';
import type { Principal } from '@shared/auth/principal.js';
import { AgreementAudit, type AgreementLogAction } from './agreement-audit.js';
import { AgreementCoverage } from './agreement-coverage.js';
import { AgreementException } from './domain/agreement.exception.js';
import { AGREEMENT_REPOSITORY, type AgreementRepository } from './domain/agreement.repository.port.js';
import type { Actor, Agreement } from './domain/agreement.js';

export const actorOf = (p: Principal): Actor => ({ org: p.org, sub: p.sub });

/**
 * How every change of an existing agreement runs: in one transaction, under the row lock, the
 * aggregate decides (or refuses, and nothing is written); the new rows, the state counter and
 * the change's access-log intent commit together; then this instance's coverage index is
 * dropped, the entry is integrated into the log, and the domain events go out (after commit,
 * so no listener hears of a change that did not happen).
 */
@Injectable()
export class AgreementChanges {
  constructor(
    @Inject(AGREEMENT_REPOSITORY) private readonly repo: AgreementRepository,
    private readonly audit: AgreementAudit,
    private readonly coverage: AgreementCoverage,
    private readonly events: EventBus,
  ) {}

  async apply(p: Principal, id: string, action: AgreementLogAction, change: (a: Agreement, now: Date) => void, log: { reason?: string; detail?: string[] } = {}): Promise<Agreement> {
    const now = new Date();
    const done = await this.repo.transaction(async (tx) => {
      const a = await this.repo.lock(tx, id);
      if (!a) return null;
      const from = a.statusAt(now);
      change(a, now);
      await this.repo.save(tx, a);
      return { agreement: a, intent: await this.audit.record(tx, p, action, a, { from, ...log }) };
    });
    if (!done) throw AgreementException.notFound(id);
    this.coverage.invalidate();
    await this.audit.integrate([done.intent]);
    for (const e of done.agreement.pullEvents()) this.events.publish(e);
    return done.agreement;
  }
}
