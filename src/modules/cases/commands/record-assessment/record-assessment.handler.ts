import { CommandHandler, EventBus, type ICommandHandler } from '@nestjs/cqrs';
import { hasRole, logActor } from '@shared/auth/principal.js';
import { links, recordEvents } from '@shared/events/index.js';
import { AccessLogWriter } from '@modules/access-log/index.js';
import { CaseEscalatedEvent } from '../../domain/case-escalated.event.js';
import { CaseException, CaseExceptionCode } from '../../domain/case.exception.js';
import { CaseRepository } from '../../domain/case.repository.port.js';
import type { Assessment } from '../../domain/case.types.js';
import { RecordAssessmentCommand } from './record-assessment.command.js';

/**
 * PUT /cases/{crn}/assessments/{id}. Assessments form a history; the latest completed one feeds
 * summaries. When one raises a CRC-managed case to HIGH or VERY_HIGH RoSH, the case is marked
 * as needing transfer to the NPS (the NPS makes high-risk decisions) and both sides see it.
 */
@CommandHandler(RecordAssessmentCommand)
export class RecordAssessmentHandler implements ICommandHandler<RecordAssessmentCommand> {
  constructor(
    private readonly cases: CaseRepository,
    private readonly log: AccessLogWriter,
    private readonly events: EventBus,
  ) {}

  async execute({ principal: p, crn, assessmentId, input }: RecordAssessmentCommand) {
    if (!hasRole(p, 'system'))
      throw new CaseException(
        CaseExceptionCode.NotManagingOrganisation,
        "Only the managing organisation's case-management system may push assessments.",
      );
    const assessment: Assessment = {
      assessmentId,
      completedAt: new Date(input.completedAt),
      assessor: input.assessor,
      authoredByOrg: p.org,
      scores: { ...input.scores, algorithmVersion: input.scores.algorithmVersion ?? 'OGRS3/OGP1/OVP1/RSR1' },
      rosh: { ...input.rosh },
      needs: JSON.parse(JSON.stringify(input.needs)) as Assessment['needs'],
      riskManagementPlan: { summary: input.riskManagementPlan.summary, actions: [...input.riskManagementPlan.actions] },
      sensitive: input.sensitive ? { ...input.sensitive } : null,
    };
    let escalated = false;
    const { created, intent } = await this.cases.transaction(async (tx) => {
      const c = await this.cases.lock(tx, crn);
      // A case that does not exist or is managed elsewhere gets the same refusal.
      if (!c) throw CaseException.notFound();
      escalated = c.recordAssessment(p, assessment, new Date());
      const result = await this.cases.saveAssessment(tx, crn, assessment);
      if (escalated) await this.cases.save(tx, c);
      // Queued in this transaction: the assessment and its log intent commit or roll back together.
      const intent = await this.log.enqueue(tx, {
        actor: logActor(p),
        action: 'case.assessment',
        resource: { type: 'assessment', id: `${crn}/${assessmentId}` },
        crn,
        reason: p.reason ?? null,
        decision: 'ALLOW',
        reasons: escalated
          ? ['managing organisation', 'escalation: RoSH HIGH or above on a CRC case']
          : ['managing organisation'],
        ownerOrg: p.org,
        requestId: p.requestId,
        jti: p.jti,
      });
      if (escalated) await recordEvents(tx, [{ type: 'case.escalated', subject: crn, crn, link: links.case(crn) }]);
      return { created: result === 'created', intent };
    });
    // Null when the committed entry could not be integrated at once: it stays queued and is integrated later.
    const receipt = await this.log.integrate(intent);
    if (escalated) this.events.publish(new CaseEscalatedEvent(crn, p.org, assessment.rosh.overall));
    return { created, escalated, accessLogIndex: receipt?.index ?? null };
  }
}
