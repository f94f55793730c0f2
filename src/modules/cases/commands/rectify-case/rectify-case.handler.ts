import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { AccessLogWriter } from '@modules/access-log/index.js';
import { CaseException, CaseExceptionCode } from '../../domain/case.exception.js';
import { CaseRepository } from '../../domain/case.repository.port.js';
import { assertMayExerciseRights, recordRightsChange, type RightsResult } from '../case-rights.js';
import { RectifyCaseCommand } from './rectify-case.command.js';

/**
 * POST /cases/{crn}/rectifications (DPA 2018 s.46): the managing organisation corrects
 * inaccurate data. The organisations the log shows received a corrected field get
 * `case.rectified`; a correction that changes nothing is logged and tells nobody.
 */
/** Members every case's person has: a rectification may correct them, never empty them. */
const REQUIRED_PERSON = ['givenName', 'familyName', 'dateOfBirth'];

@CommandHandler(RectifyCaseCommand)
export class RectifyCaseHandler implements ICommandHandler<RectifyCaseCommand> {
  constructor(
    private readonly cases: CaseRepository,
    private readonly log: AccessLogWriter,
  ) {}

  async execute({ principal: p, crn, input }: RectifyCaseCommand): Promise<RightsResult> {
    assertMayExerciseRights(p);
    const person = input.person ? Object.entries(input.person).filter(([, v]) => v !== undefined) : [];
    if (!person.length && input.tier === undefined)
      throw new CaseException(CaseExceptionCode.RightsInvalid, 'Name at least one corrected value (person or tier).', [
        { field: 'person', message: 'or tier is required' },
      ]);
    // A rectification corrects a value; it does not remove one the case must have (erasure does that).
    const emptied = [
      ...person.filter(([k, v]) => v === null && REQUIRED_PERSON.includes(k)).map(([k]) => `person.${k}`),
      ...(input.tier === null ? ['tier'] : []),
    ];
    if (emptied.length)
      throw new CaseException(
        CaseExceptionCode.RightsInvalid,
        `A rectification gives the correct value: ${emptied.join(', ')} cannot be emptied (erase instead).`,
        emptied.map((field) => ({ field, message: 'must be the corrected value, not null' })),
      );
    const { fields, intent, notified } = await this.cases.transaction(async (tx) => {
      const c = await this.cases.lock(tx, crn);
      if (!c) throw CaseException.notFound();
      const fields = c.rectify(p, { person: input.person, tier: input.tier });
      if (fields.length) await this.cases.saveRights(tx, c);
      const recorded = await recordRightsChange(tx, { cases: this.cases, log: this.log }, p, {
        crn,
        managingOrg: c.record.managingOrg,
        action: 'case.rectify',
        reason: input.reason,
        fields,
        event: 'case.rectified',
      });
      return { fields, ...recorded };
    });
    const receipt = await this.log.integrate(intent);
    return { crn, fields, notified, accessLogIndex: receipt?.index ?? null };
  }
}
