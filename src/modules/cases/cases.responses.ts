import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { PURPOSES } from '@shared/domain/vocabulary.js';
import { RoshDto } from './commands/upsert-case/upsert-case.dto.js';

/**
 * The bodies the cases controller answers with, for the OpenAPI document only: the handlers
 * build them (read-case's projection writes only the released fields).
 */

export class CaseWriteResponse {
  @ApiProperty({ example: 'X123456' }) crn: string;
  @ApiProperty({ description: 'true when the case was created (201), false when replaced (200)' }) created: boolean;
  @ApiProperty({ description: 'Index of the access-log entry recording the write', example: 1042 })
  accessLogIndex: number;
}

export class AssessmentWriteResponse extends CaseWriteResponse {
  @ApiProperty({ example: 'oasys-2025-0001' }) assessmentId: string;
  @ApiProperty({
    description: 'true when this assessment marked a CRC case for transfer to the NPS (HIGH or VERY_HIGH RoSH)',
  })
  escalated: boolean;
}

class PendingTransferRef {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty({ example: 'nps-north-east' }) toOrg: string;
}

export class EscalationResponse {
  @ApiProperty({ example: 'X123456' }) crn: string;
  @ApiProperty({ example: 'crc-durham-tees-valley' }) managingOrg: string;
  @ApiProperty({ format: 'date-time' }) raisedAt: string;
  @ApiProperty() reason: string;
  @ApiProperty() assessmentId: string;
  @ApiProperty({ type: PendingTransferRef, nullable: true }) pendingTransfer: PendingTransferRef | null;
}

export class TransferResponse {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty({ enum: ['PENDING'] }) status: string;
  @ApiProperty({ example: 'X123456' }) crn: string;
  @ApiProperty({ example: 'nps-north-east' }) toOrg: string;
}

export class TransferAcceptedResponse {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty({ enum: ['ACCEPTED'] }) status: string;
  @ApiProperty({ description: 'The new managing organisation', example: 'nps-north-east' }) managingOrg: string;
}

export class RightsResponse {
  @ApiProperty({ example: 'X123456' }) crn: string;
  @ApiProperty({
    type: [String],
    description: 'Released field names the change concerned (empty for a whole erasure or a restriction)',
  })
  fields: string[];
  @ApiProperty({
    type: [String],
    description: 'Organisations told by event: those the access log shows received a concerned field',
  })
  notified: string[];
  @ApiProperty({ type: Number, nullable: true, description: 'Index of the change in the access log' })
  accessLogIndex: number | null;
}

export class RestrictionResponse extends RightsResponse {
  @ApiProperty({ description: 'Whether processing is now restricted under s.47 by the managing organisation' })
  restricted: boolean;
}

class ScoresView {
  @ApiPropertyOptional({ description: 'OGRS3 two-year probability (%)' }) ogrs3TwoYear?: number;
  @ApiPropertyOptional({ enum: ['LOW', 'MEDIUM', 'HIGH', 'VERY_HIGH'] }) ogrs3Band?: string;
  @ApiPropertyOptional() ogp?: number;
  @ApiPropertyOptional() ovp?: number;
  @ApiPropertyOptional() rsr?: number;
  @ApiPropertyOptional({ description: 'Version of the predictors, present with any raw score' })
  algorithmVersion?: string;
}

class NeedView {
  @ApiProperty({ example: 'accommodation' }) area: string;
  @ApiProperty({ enum: ['NONE', 'SOME', 'SIGNIFICANT'] }) severity: string;
  @ApiProperty() linkedToHarm: boolean;
  @ApiProperty() linkedToReoffending: boolean;
  @ApiPropertyOptional({ description: 'Case view only, where released' }) notes?: string;
}

class PlanView {
  @ApiPropertyOptional() summary?: string;
  @ApiPropertyOptional({ type: [String] }) actions?: string[];
}

class MappaView {
  @ApiPropertyOptional({ enum: [1, 2, 3] }) category?: number;
  @ApiPropertyOptional({ enum: [1, 2, 3] }) level?: number;
}

/** Common to the case view and the summary: every field the caller may not see is absent and named in fieldsWithheld. */
export class CaseReadResponse {
  @ApiProperty({ example: 'X123456' }) crn: string;
  @ApiPropertyOptional({ example: 'nps-north-east' }) managingOrg?: string;
  @ApiPropertyOptional({ example: 'B2' }) tier?: string;
  @ApiPropertyOptional({ type: RoshDto }) rosh?: RoshDto;
  @ApiPropertyOptional({ type: MappaView, nullable: true }) mappa?: MappaView | null;
  @ApiPropertyOptional({ type: ScoresView }) scores?: ScoresView;
  @ApiPropertyOptional({ type: [NeedView] }) needs?: NeedView[];
  @ApiPropertyOptional({ type: PlanView }) riskManagementPlan?: PlanView;
  @ApiPropertyOptional({ type: [String] }) licenceConditions?: string[];
  @ApiPropertyOptional({ format: 'date-time', description: 'When the assessment the answer rests on was completed' })
  assessedAt?: string;
  @ApiProperty({ enum: PURPOSES }) purpose: string;
  @ApiProperty({
    format: 'uuid',
    nullable: true,
    description: 'The agreement the release relied on (null when the caller manages the case)',
  })
  agreementId: string | null;
  @ApiProperty({ nullable: true, type: 'integer' }) agreementVersion: number | null;
  @ApiProperty({ type: [String], description: 'Fields the caller may not see, by name' }) fieldsWithheld: string[];
  @ApiProperty({ description: 'Index of the access-log entry written before this answer left', example: 1043 })
  accessLogIndex: number;
}

export class CaseSummaryResponse extends CaseReadResponse {}

class PersonView {
  @ApiPropertyOptional() givenName?: string;
  @ApiPropertyOptional() familyName?: string;
  @ApiPropertyOptional({ format: 'date' }) dateOfBirth?: string;
  @ApiPropertyOptional({ example: '2004/0012345A' }) pncId?: string;
}

class IomView {
  @ApiProperty() cohort: boolean;
  @ApiProperty({ example: 'cleveland' }) force: string;
}

class SensitiveView {
  @ApiPropertyOptional() health?: string;
  @ApiPropertyOptional() victims?: string;
}

export class CaseViewResponse extends CaseReadResponse {
  @ApiPropertyOptional({ type: PersonView }) person?: PersonView;
  @ApiPropertyOptional({ type: IomView, nullable: true }) iom?: IomView | null;
  @ApiPropertyOptional({ type: SensitiveView }) sensitive?: SensitiveView;
}

class FieldExplanation {
  @ApiProperty({ example: 'rosh' }) field: string;
  @ApiProperty({ example: 'ROSH' }) category: string;
  @ApiProperty() allowed: boolean;
  @ApiProperty({ type: [String] }) reasons: string[];
}

class AgreementRef {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty({ type: 'integer' }) version: number;
}

export class ExplainResponse {
  @ApiProperty({ enum: ['ALLOW', 'DENY'] }) decision: string;
  @ApiProperty({ enum: ['allow', 'not_found', 'forbidden'] }) outcome: string;
  @ApiProperty({ type: [String] }) reasons: string[];
  @ApiProperty({ type: [String] }) relationships: string[];
  @ApiProperty({ type: [FieldExplanation] }) fields: FieldExplanation[];
  @ApiProperty({ type: AgreementRef, nullable: true }) agreement: AgreementRef | null;
  @ApiProperty({ type: [String], description: 'name@version of each policy file that decided' })
  policyVersions: string[];
  @ApiProperty({ description: "The content hash of those policy files, as access-log entries' policyVersion" })
  policyVersion: string;
}

class PersonSearchResultDoc {
  @ApiProperty({ example: 'X123456' }) crn: string;
  @ApiProperty({ example: 'nps-north-east' }) managingOrg: string;
  @ApiProperty({
    enum: [true],
    description:
      'Always true: only people whose GET /cases/{crn}/summary for this purpose would release data are named (kept for clients built against it)',
  })
  maySeeSummary: boolean;
}

export class PersonSearchResponseDoc {
  @ApiProperty({ enum: PURPOSES }) purpose: string;
  @ApiProperty({ enum: ['pnc', 'name-and-date-of-birth', 'crn'] }) searchedBy: string;
  @ApiProperty({ type: [PersonSearchResultDoc] }) results: PersonSearchResultDoc[];
}

class CohortMemberDoc {
  @ApiProperty({ example: 'X123456' }) crn: string;
  @ApiProperty({ example: 'nps-north-east' }) managingOrg: string;
  @ApiProperty({
    enum: [true],
    description:
      'Always true: only members whose GET /cases/{crn}/summary for this purpose would release data are listed (kept for clients built against it)',
  })
  maySeeSummary: boolean;
  @ApiPropertyOptional({
    enum: ['LOW', 'MEDIUM', 'HIGH', 'VERY_HIGH'],
    description: 'Overall RoSH; absent when withheld',
  })
  roshLevel?: string;
  @ApiPropertyOptional({
    format: 'date-time',
    nullable: true,
    description: 'When the latest assessment was completed (null: none yet); absent when withheld',
  })
  assessedAt?: string | null;
  @ApiProperty({ type: [String], example: [], description: 'Of rosh and assessedAt, those withheld' })
  fieldsWithheld: string[];
}

export class CohortResponseDoc {
  @ApiProperty({ example: 'cleveland' }) force: string;
  @ApiProperty({ enum: PURPOSES }) purpose: string;
  @ApiProperty({ type: [CohortMemberDoc] }) members: CohortMemberDoc[];
}
