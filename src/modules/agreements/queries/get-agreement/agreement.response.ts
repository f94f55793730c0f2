import { ApiProperty } from '@nestjs/swagger';
import { DATA_CATEGORIES, PURPOSES } from '@shared/domain/vocabulary.js';
import { AGREEMENT_STATUSES, PARTY_ROLES, type AgreementTerms } from '../../domain/agreement-terms.js';
import type { Agreement, AgreementSignature } from '../../domain/agreement.js';
import { formatRfc3339 } from '@shared/domain/rfc3339.js';

export class PartyResponse {
  @ApiProperty({ example: 'police-cleveland' }) org: string;
  @ApiProperty({ enum: PARTY_ROLES }) role: string;
  @ApiProperty() controller: boolean;
}

export class SignatureResponse {
  @ApiProperty({ example: 'police-cleveland' }) org: string;
  @ApiProperty({ example: 'user:signatory-1', description: 'Who signed, as vouched for by the organisation' })
  sub: string;
  @ApiProperty({
    description: 'The key that made the signature; re-verify with GET /organisations/{org}/keys?at={signedAt}',
  })
  kid: string;
  @ApiProperty({ enum: ['ES256', 'EdDSA'] }) alg: string;
  @ApiProperty({ example: 1 }) version: number;
  @ApiProperty({ example: '2026-04-01T09:30:00Z' }) signedAt: string;
  @ApiProperty({ description: 'The compact JWS exactly as posted' }) jws: string;
}

export class StatusChangeResponse {
  @ApiProperty({ enum: ['suspend', 'resume', 'terminate'] }) action: string;
  @ApiProperty() reason: string;
  @ApiProperty() at: string;
  @ApiProperty() byOrg: string;
  @ApiProperty() bySub: string;
}

export class ContactResponse {
  @ApiProperty() org: string;
  @ApiProperty() name: string;
  @ApiProperty() email: string;
  @ApiProperty({ type: String, nullable: true }) role: string | null;
}

export class TerminationResponse {
  @ApiProperty({ description: 'Notice in days' }) noticeDays: number;
  @ApiProperty({ description: 'What happens to shared data when the agreement ends' }) dataOnTermination: string;
}

export class TermsResponse {
  @ApiProperty() title: string;
  @ApiProperty({ type: [PartyResponse] }) parties: PartyResponse[];
  @ApiProperty({ enum: PURPOSES, isArray: true }) purposes: string[];
  @ApiProperty({ enum: DATA_CATEGORIES, isArray: true }) dataCategories: string[];
  @ApiProperty({ type: [String] }) lawfulBasis: string[];
  @ApiProperty({ type: 'object', additionalProperties: { type: 'array', items: { type: 'string' } } })
  lawfulBasisByPurpose: Record<string, string[]>;
  @ApiProperty({
    type: 'object',
    additionalProperties: { type: 'string' },
    example: { VICTIMS: 'Criminal Justice Act 2003 s.325; victim safety planning' },
  })
  specialCategoryConditions: Record<string, string>;
  @ApiProperty() retentionDays: number;
  @ApiProperty({ type: [String] }) securityMeasures: string[];
  @ApiProperty() validFrom: string;
  @ApiProperty() validTo: string;
  @ApiProperty() reviewBy: string;
  @ApiProperty({ type: Number, nullable: true, description: 'Months between reviews after reviewBy; null: one review' })
  reviewIntervalMonths: number | null;
  @ApiProperty({ type: String, nullable: true, description: 'Reference of the DPIA; null when the version has none' })
  dpiaReference: string | null;
  @ApiProperty({ type: [ContactResponse] }) contacts: ContactResponse[];
  @ApiProperty({ type: TerminationResponse, nullable: true }) termination: TerminationResponse | null;
}

export class AgreementResponse extends TermsResponse {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty({ enum: AGREEMENT_STATUSES }) status: string;
  @ApiProperty({ description: 'The current (latest) version: the one these terms and the document are of' })
  version: number;
  @ApiProperty({
    nullable: true,
    type: Number,
    description:
      'The version in force, which decisions rely on; while an amendment awaits signatures it is older than version',
  })
  activeVersion: number | null;
  @ApiProperty({ type: [SignatureResponse], description: 'Signatures of the current version' })
  signatures: SignatureResponse[];
  @ApiProperty({ type: [String], description: 'Parties yet to sign the current version' }) awaitingSignatures: string[];
  @ApiProperty({ description: 'base64url SHA-256 of the current document' }) documentSha256: string;
  @ApiProperty({ type: StatusChangeResponse, nullable: true }) lastStatusChange: StatusChangeResponse | null;
  @ApiProperty() createdAt: string;
  @ApiProperty() createdBy: { org: string; sub: string };
  @ApiProperty() updatedAt: string;
}

export function termsResponse(t: AgreementTerms): TermsResponse {
  return {
    title: t.title,
    parties: t.parties.map((p) => ({ ...p })),
    purposes: [...t.purposes],
    dataCategories: [...t.dataCategories],
    lawfulBasis: [...t.lawfulBasis],
    lawfulBasisByPurpose: { ...t.lawfulBasisByPurpose },
    specialCategoryConditions: { ...t.specialCategoryConditions },
    retentionDays: t.retentionDays,
    securityMeasures: [...t.securityMeasures],
    validFrom: formatRfc3339(t.validFrom),
    validTo: formatRfc3339(t.validTo),
    reviewBy: formatRfc3339(t.reviewBy),
    reviewIntervalMonths: t.reviewIntervalMonths,
    dpiaReference: t.dpiaReference,
    contacts: t.contacts.map((c) => ({ ...c })),
    termination: t.termination ? { ...t.termination } : null,
  };
}

export function signatureResponse(s: AgreementSignature): SignatureResponse {
  return {
    org: s.org,
    sub: s.sub,
    kid: s.kid,
    alg: s.alg,
    version: s.version,
    signedAt: formatRfc3339(s.signedAt),
    jws: s.jws,
  };
}

export function agreementResponse(a: Agreement, now: Date): AgreementResponse {
  const c = a.lastChange;
  return {
    id: a.id,
    status: a.statusAt(now),
    version: a.version,
    activeVersion: a.activeVersion,
    ...termsResponse(a.terms),
    signatures: a.signatures.map(signatureResponse),
    awaitingSignatures: a.awaitingSignatures(),
    documentSha256: a.current.documentSha256,
    lastStatusChange: c
      ? { action: c.action, reason: c.reason, at: formatRfc3339(c.at), byOrg: c.by.org, bySub: c.by.sub }
      : null,
    createdAt: formatRfc3339(a.createdAt),
    createdBy: { ...a.createdBy },
    updatedAt: formatRfc3339(a.updatedAt),
  };
}
