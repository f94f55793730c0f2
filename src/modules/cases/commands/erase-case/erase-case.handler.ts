import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { AccessLogWriter } from '@modules/access-log/index.js';
import { CaseException } from '../../domain/case.exception.js';
import { CaseRepository } from '../../domain/case.repository.port.js';
import { assertMayExerciseRights, recordRightsChange, type RightsResult } from '../case-rights.js';
import { EraseCaseCommand } from './erase-case.command.js';

/**
 * POST /cases/{crn}/erasure (DPA 2018 s.47(1)): the managing organisation erases the whole case
 * (record, assessments, transfers) or parts of it. Afterwards a whole erased CRN is, for every
 * caller, an unknown CRN. The organisations the log shows received an erased field (any field,
 * for the whole case) get `case.erased`. The access log keeps its entries about the CRN.
 */
@CommandHandler(EraseCaseCommand)
export class EraseCaseHandler implements ICommandHandler<EraseCaseCommand> {
  constructor(
    private readonly cases: CaseRepository,
    private readonly log: AccessLogWriter,
  ) {}

  async execute({ principal: p, crn, input }: EraseCaseCommand): Promise<RightsResult> {
    assertMayExerciseRights(p);
    const { fields, intent, notified } = await this.cases.transaction(async (tx) => {
      const c = await this.cases.lock(tx, crn);
      if (!c) throw CaseException.notFound();
      let fields: string[] | null = null;
      if (input.parts) {
        fields = c.eraseParts(p, input.parts);
        await this.cases.saveRights(tx, c);
        if (input.parts.includes('sensitive')) await this.cases.eraseSensitive(tx, crn);
      } else {
        c.assertErasableBy(p);
      }
      const recorded = await recordRightsChange(tx, { cases: this.cases, log: this.log }, p, {
        crn,
        managingOrg: c.record.managingOrg,
        action: input.parts ? 'case.erase-parts' : 'case.erase',
        reason: input.reason,
        fields,
        event: 'case.erased',
      });
      if (!input.parts) await this.cases.erase(tx, crn);
      return { fields: fields ?? [], ...recorded };
    });
    const receipt = await this.log.integrate(intent);
    return { crn, fields, notified, accessLogIndex: receipt?.index ?? null };
  }
}
