import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { ArrayMaxSize, IsArray, IsBoolean, IsIn, IsOptional, IsString, IsUUID, Length, Matches } from 'class-validator';
import { IsRfc3339, Omittable, HasText } from '@shared/http/validators.js';
import { CRN, ORG_ID } from '@modules/access-log/index.js';
import {
  BREACH_SEVERITIES,
  BREACH_STATUSES,
  type BreachChange,
  type BreachSeverity,
  type BreachStatus,
  type NewBreach,
} from '../domain/breach.js';

const MAX_LINKS = 500;

/** What a breach touches and how bad it is: recorded first, and replaceable by any later change. */
class BreachFactsDto {
  @ApiPropertyOptional({ type: [String], example: ['X123456'], description: 'CRNs of the people affected' })
  @Omittable()
  @IsArray()
  @ArrayMaxSize(MAX_LINKS)
  @Matches(CRN, { each: true, message: 'each crn must be one capital letter and six digits' })
  crns?: string[];

  @ApiPropertyOptional({ type: [String], format: 'uuid', description: 'Agreements under which the data was shared' })
  @Omittable()
  @IsArray()
  @ArrayMaxSize(MAX_LINKS)
  @IsUUID('all', { each: true, message: 'each agreementId must be a UUID' })
  agreementIds?: string[];

  @ApiPropertyOptional({ type: [String], example: ['police-cleveland'], description: 'Partner organisations involved' })
  @Omittable()
  @IsArray()
  @ArrayMaxSize(MAX_LINKS)
  @Matches(ORG_ID, { each: true, message: 'each partnerOrg must be an organisation id (lowercase slug)' })
  partnerOrgs?: string[];

  @ApiPropertyOptional({
    type: Boolean,
    nullable: true,
    description: 'Whether the breach is to be reported to the ICO; null or absent until assessed',
  })
  @IsOptional()
  @IsBoolean()
  reportable?: boolean | null;
}

/** POST /breaches: a personal data breach as first recorded; its status is OPEN. */
export class RecordBreachDto extends BreachFactsDto {
  @ApiProperty({ example: 'Risk summary e-mailed to the wrong police force mailbox' })
  @IsString()
  @Length(10, 4000)
  @HasText(10)
  summary: string;

  @ApiProperty({ example: '2026-12-01T09:30:00Z', description: 'When the organisation became aware of it' })
  @IsRfc3339()
  discoveredAt: string;

  @ApiPropertyOptional({ example: '2026-11-30T16:00:00Z', description: 'When it happened, if known' })
  @Omittable()
  @IsRfc3339()
  occurredAt?: string;

  @ApiProperty({ enum: BREACH_SEVERITIES })
  @IsIn(BREACH_SEVERITIES, { message: `severity must be one of ${BREACH_SEVERITIES.join(', ')}` })
  severity: BreachSeverity;

  toNewBreach(): NewBreach {
    return {
      summary: this.summary,
      discoveredAt: new Date(this.discoveredAt),
      occurredAt: this.occurredAt ? new Date(this.occurredAt) : null,
      severity: this.severity,
      reportable: this.reportable ?? null,
      crns: this.crns ?? [],
      agreementIds: this.agreementIds ?? [],
      partnerOrgs: this.partnerOrgs ?? [],
    };
  }
}

/** POST /breaches/{id}/changes: a new version; members given replace the current ones. */
export class ChangeBreachDto extends BreachFactsDto {
  @ApiProperty({ example: 'Reported to the ICO by telephone; reference given', description: 'Why the change' })
  @IsString()
  @Length(3, 2000)
  @HasText(3)
  note: string;

  @ApiPropertyOptional({ enum: BREACH_STATUSES })
  @Omittable()
  @IsIn(BREACH_STATUSES, { message: `status must be one of ${BREACH_STATUSES.join(', ')}` })
  status?: BreachStatus;

  @ApiPropertyOptional({ example: 'Risk summary e-mailed to the wrong police force mailbox' })
  @Omittable()
  @IsString()
  @Length(10, 4000)
  @HasText(10)
  summary?: string;

  @ApiPropertyOptional({ enum: BREACH_SEVERITIES })
  @Omittable()
  @IsIn(BREACH_SEVERITIES, { message: `severity must be one of ${BREACH_SEVERITIES.join(', ')}` })
  severity?: BreachSeverity;

  @ApiPropertyOptional({ example: '2026-12-02T11:00:00Z', description: 'When it was reported to the ICO' })
  @Omittable()
  @IsRfc3339()
  icoReportedAt?: string;

  @ApiPropertyOptional({ example: 'ICO/00123456', description: "The ICO's case reference" })
  @Omittable()
  @IsString()
  @Length(1, 100)
  icoReference?: string;

  @ApiPropertyOptional({ description: 'Why the breach is unlikely to result in a risk to people (art. 33(1))' })
  @Omittable()
  @IsString()
  @Length(10, 2000)
  @HasText(10)
  notReportableReason?: string;

  toChange(): BreachChange {
    return {
      note: this.note,
      status: this.status,
      summary: this.summary,
      severity: this.severity,
      // null is "not assessed" and is a value; absent leaves the current one.
      reportable: this.reportable,
      crns: this.crns,
      agreementIds: this.agreementIds,
      partnerOrgs: this.partnerOrgs,
      icoReportedAt: this.icoReportedAt ? new Date(this.icoReportedAt) : undefined,
      icoReference: this.icoReference,
      notReportableReason: this.notReportableReason,
    };
  }
}

export class BreachIdParam {
  @ApiProperty({ format: 'uuid' })
  @IsUUID('all', { message: 'id must be a UUID' })
  id: string;
}

export class BreachVersionResponse {
  @ApiProperty() version: number;
  @ApiProperty({ enum: BREACH_STATUSES }) status: string;
  @ApiProperty() summary: string;
  @ApiProperty({ enum: BREACH_SEVERITIES }) severity: string;
  @ApiProperty({ type: Boolean, nullable: true }) reportable: boolean | null;
  @ApiProperty({ type: [String] }) crns: string[];
  @ApiProperty({ type: [String] }) agreementIds: string[];
  @ApiProperty({ type: [String] }) partnerOrgs: string[];
  @ApiProperty({ type: String, nullable: true }) icoReportedAt: string | null;
  @ApiProperty({ type: String, nullable: true }) icoReference: string | null;
  @ApiProperty({ type: String, nullable: true }) notReportableReason: string | null;
  @ApiProperty({ type: String, nullable: true, description: 'Why this version was recorded' }) note: string | null;
  @ApiProperty() recordedAt: string;
  @ApiProperty() recordedBy: string;
}

export class BreachResponse extends BreachVersionResponse {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty() org: string;
  @ApiProperty() discoveredAt: string;
  @ApiProperty({ type: String, nullable: true }) occurredAt: string | null;
  @ApiProperty({ description: 'discoveredAt plus 72 hours' }) icoDeadline: string;
  @ApiProperty({ description: 'OPEN, not assessed as not reportable, and past icoDeadline' }) overdue: boolean;
  @ApiProperty({ description: 'Reported to the ICO after icoDeadline' }) reportedLate: boolean;
  @ApiProperty({ type: Number, nullable: true, description: 'Whole minutes to icoDeadline while the clock runs' })
  minutesLeft: number | null;
  @ApiProperty() createdAt: string;
  @ApiProperty() createdBy: string;
  @ApiProperty({ type: [BreachVersionResponse], description: 'Every version, oldest first' })
  history: BreachVersionResponse[];
}

export class BreachListResponse {
  @ApiProperty({ type: [BreachResponse] }) breaches: BreachResponse[];
}
