import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { DATA_CATEGORIES, PURPOSES } from '@shared/domain/vocabulary.js';
import { EXCHANGE_STATUSES, type ExchangeRequest } from '../domain/exchange-request.js';

/** One exchange request as either party sees it. */
export class ExchangeRequestResponse {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty({ description: 'Requesting organisation (the recipient of the data)' }) requester: string;
  @ApiProperty({ description: 'Organisation asked for its data' }) provider: string;
  @ApiProperty() crn: string;
  @ApiProperty({ enum: PURPOSES }) purpose: string;
  @ApiProperty({ enum: DATA_CATEGORIES, isArray: true }) dataCategories: string[];
  @ApiProperty() justification: string;
  @ApiProperty({ enum: ['ROUTINE', 'URGENT'] }) urgency: string;
  @ApiProperty({ format: 'uuid' }) agreementId: string;
  @ApiProperty({ enum: EXCHANGE_STATUSES }) status: string;
  @ApiProperty({ nullable: true, type: String, description: 'Why it was refused, expired or approved' }) reason:
    string | null;
  @ApiProperty() submittedAt: string;
  @ApiProperty({ description: 'Who signed and submitted it at the requester' }) submittedBy: string;
  @ApiProperty() dueBy: string;
  @ApiProperty({ description: 'Still open after dueBy' }) overdue: boolean;
  @ApiProperty({ nullable: true, type: String }) decidedAt: string | null;
  @ApiProperty({ nullable: true, type: Object, description: '{ org, sub }; org "gateway" for automatic decisions' })
  decidedBy: { org: string; sub: string } | null;
  @ApiProperty({ nullable: true, type: String }) fulfilledAt: string | null;
  @ApiProperty({ nullable: true, type: Number, description: 'Agreement version the release relied on' })
  agreementVersion: number | null;
  @ApiProperty({ nullable: true, type: Number, description: 'Access-log index of the release' }) releaseLogIndex:
    number | null;
  @ApiPropertyOptional({ description: 'The request JWS exactly as received (single request only)' })
  requestJws?: string;
}

export class ExchangeRequestPage {
  @ApiProperty({ type: [ExchangeRequestResponse] }) items: ExchangeRequestResponse[];
  @ApiProperty({ nullable: true, type: String, description: 'Pass as `cursor` for the next page; null on the last' })
  nextCursor: string | null;
}

export function toResponse(r: ExchangeRequest, now: Date, withJws = false): ExchangeRequestResponse {
  const s = r.state;
  return {
    id: s.id,
    requester: s.requester,
    provider: s.provider,
    crn: s.crn,
    purpose: s.purpose,
    dataCategories: s.dataCategories,
    justification: s.justification,
    urgency: s.urgency,
    agreementId: s.agreementId,
    status: s.status,
    reason: s.statusReason,
    submittedAt: s.submittedAt.toISOString(),
    submittedBy: s.submittedBy.sub,
    dueBy: s.dueBy.toISOString(),
    overdue: r.isOverdue(now),
    decidedAt: s.decidedAt?.toISOString() ?? null,
    decidedBy: s.decidedBy,
    fulfilledAt: s.release?.at.toISOString() ?? null,
    agreementVersion: s.release?.agreementVersion ?? null,
    releaseLogIndex: s.release?.logIndex ?? null,
    ...(withJws ? { requestJws: s.requestJws } : {}),
  };
}
