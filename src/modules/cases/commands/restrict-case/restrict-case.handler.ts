import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { AccessLogWriter } from '@modules/access-log/index.js';
import { CaseException } from '../../domain/case.exception.js';
import { CaseRepository } from '../../domain/case.repository.port.js';
import { assertMayExerciseRights, recordRightsChange, type RightsResult } from '../case-rights.js';
import { RestrictCaseCommand } from './restrict-case.command.js';

/**
 * PUT and DELETE /cases/{crn}/restriction (DPA 2018 s.47): the managing organisation restricts
 * processing of a case, or lifts the restriction. While restricted the case is held but released
 * to nobody but its manager: for everyone else it reads exactly like an unknown CRN (the policy
 * evaluator's restricted-case rule). Placing it tells every organisation the log shows received
 * any of the case's fields (`case.restricted`); restricting twice or lifting tells nobody.
 */
@CommandHandler(RestrictCaseCommand)
export class RestrictCaseHandler implements ICommandHandler<RestrictCaseCommand> {
  constructor(
    private readonly cases: CaseRepository,
    private readonly log: AccessLogWriter,
  ) {}

  async execute({ principal: p, crn, reason }: RestrictCaseCommand): Promise<RightsResult & { restricted: boolean }> {
    assertMayExerciseRights(p);
    const { intent, notified } = await this.cases.transaction(async (tx) => {
      const c = await this.cases.lock(tx, crn);
      if (!c) throw CaseException.notFound();
      const changed = reason === null ? c.liftRestriction(p) : c.restrict(p, reason, new Date());
      if (changed) await this.cases.saveRights(tx, c);
      return recordRightsChange(tx, { cases: this.cases, log: this.log }, p, {
        crn,
        managingOrg: c.record.managingOrg,
        action: reason === null ? 'case.restriction.lift' : 'case.restrict',
        reason: reason ?? p.reason ?? 'restriction lifted',
        fields: null,
        event: reason !== null && changed ? 'case.restricted' : null,
      });
    });
    const receipt = await this.log.integrate(intent);
    return { crn, restricted: reason !== null, fields: [], notified, accessLogIndex: receipt?.index ?? null };
  }
}
