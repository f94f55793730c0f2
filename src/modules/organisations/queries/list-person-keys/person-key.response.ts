import { ApiProperty } from '@nestjs/swagger';
import type { PersonKey } from '../../domain/person-key.js';

export class PersonKeyHolderResponse {
  @ApiProperty({
    example: 'http://127.0.0.1:3001',
    description: "The identity provider's issuer the holder signed in with",
  })
  issuer: string;
  @ApiProperty({ example: 'user:dsa-signatory@crc-durham-tees-valley' }) sub: string;
  @ApiProperty({ type: String, nullable: true, example: 'Alex Morgan' }) name: string | null;
}

export class PersonKeyResponse {
  @ApiProperty({ example: 'person-NzbLsXh8uDCcd-6MNwXF4W_7noWXFZAfHkxZsRGC9Xs' }) kid: string;
  @ApiProperty({ description: 'The public JWK (EC P-256)', type: 'object', additionalProperties: true })
  jwk: Record<string, unknown>;
  @ApiProperty({ example: 'dsa-signatory', description: 'The role the key signs for' }) role: string;
  @ApiProperty({ type: PersonKeyHolderResponse }) holder: PersonKeyHolderResponse;
  @ApiProperty({ enum: ['PENDING', 'ACTIVE', 'REVOKED'] }) status: string;
  @ApiProperty({ format: 'date-time' }) registeredAt: string;
  @ApiProperty({ type: String, format: 'date-time', nullable: true }) approvedAt: string | null;
  @ApiProperty({ type: String, format: 'date-time', nullable: true }) revokedAt: string | null;
}

export class PersonKeyDecisionResponse {
  @ApiProperty() kid: string;
  @ApiProperty({ enum: ['PENDING', 'ACTIVE', 'REVOKED'] }) status: string;
}

export function personKeyResponse(k: PersonKey): PersonKeyResponse {
  return {
    kid: k.kid,
    jwk: { ...k.jwk },
    role: k.holder.role,
    holder: { issuer: k.holder.issuer, sub: k.holder.sub, name: k.holder.name },
    status: k.status,
    registeredAt: k.registeredAt.toISOString(),
    approvedAt: k.approvedAt?.toISOString() ?? null,
    revokedAt: k.revokedAt?.toISOString() ?? null,
  };
}
