import { Column, Entity, PrimaryColumn } from 'typeorm';

@Entity({ name: 'agreements' })
export class AgreementEntity {
  @PrimaryColumn({ type: 'uuid' })
  id: string;

  @Column({ type: 'text' })
  status: string;

  @Column({ type: 'integer' })
  version: number;

  @Column({ name: 'active_version', type: 'integer', nullable: true })
  activeVersion: number | null;

  @Column({ name: 'party_orgs', type: 'text', array: true })
  partyOrgs: string[];

  @Column({ name: 'valid_to', type: 'timestamptz' })
  validTo: Date;

  @Column({ name: 'status_action', type: 'text', nullable: true })
  statusAction: string | null;

  @Column({ name: 'status_reason', type: 'text', nullable: true })
  statusReason: string | null;

  @Column({ name: 'status_changed_at', type: 'timestamptz', nullable: true })
  statusChangedAt: Date | null;

  @Column({ name: 'status_changed_by_org', type: 'text', nullable: true })
  statusChangedByOrg: string | null;

  @Column({ name: 'status_changed_by_sub', type: 'text', nullable: true })
  statusChangedBySub: string | null;

  @Column({ name: 'created_at', type: 'timestamptz' })
  createdAt: Date;

  @Column({ name: 'created_by_org', type: 'text' })
  createdByOrg: string;

  @Column({ name: 'created_by_sub', type: 'text' })
  createdBySub: string;

  @Column({ name: 'updated_at', type: 'timestamptz' })
  updatedAt: Date;
}

/** One immutable version; `document` is the exact canonical text the parties sign. */
@Entity({ name: 'agreement_versions' })
export class AgreementVersionEntity {
  @PrimaryColumn({ name: 'agreement_id', type: 'uuid' })
  agreementId: string;

  @PrimaryColumn({ type: 'integer' })
  version: number;

  @Column({ type: 'text' })
  document: string;

  @Column({ name: 'document_sha256', type: 'text' })
  documentSha256: string;

  @Column({ name: 'created_at', type: 'timestamptz' })
  createdAt: Date;

  @Column({ name: 'created_by_org', type: 'text' })
  createdByOrg: string;

  @Column({ name: 'created_by_sub', type: 'text' })
  createdBySub: string;
}

/** A party's signature of a version, with the JWS exactly as it was posted. */
@Entity({ name: 'agreement_signatures' })
export class AgreementSignatureEntity {
  @PrimaryColumn({ name: 'agreement_id', type: 'uuid' })
  agreementId: string;

  @PrimaryColumn({ type: 'integer' })
  version: number;

  @PrimaryColumn({ type: 'text' })
  org: string;

  @Column({ name: 'signer_sub', type: 'text' })
  signerSub: string;

  @Column({ type: 'text' })
  kid: string;

  @Column({ type: 'text' })
  alg: string;

  @Column({ type: 'text' })
  jws: string;

  @Column({ name: 'signed_at', type: 'timestamptz' })
  signedAt: Date;
}

/** One row: a counter bumped with every agreement change, so every instance knows when its coverage index is stale. */
@Entity({ name: 'agreements_state' })
export class AgreementsStateEntity {
  @PrimaryColumn({ type: 'smallint' })
  id: number;

  @Column({ type: 'bigint' })
  version: string;
}
