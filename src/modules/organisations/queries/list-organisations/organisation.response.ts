import { ApiProperty } from '@nestjs/swagger';
import { ORG_KINDS } from '@shared/auth/roles.js';

export class OrganisationResponse {
  @ApiProperty({ example: 'police-cleveland' })
  id: string;
  @ApiProperty({ enum: ORG_KINDS })
  kind: string;
  @ApiProperty({ example: 'Cleveland Police' })
  name: string;
  @ApiProperty({ example: 'North East' })
  region: string;
  @ApiProperty({ enum: ['ACTIVE', 'SUSPENDED'] })
  status: string;
}

class OrganisationKeyResponse {
  @ApiProperty({ example: 'police-cleveland-2025-01' })
  kid: string;
  @ApiProperty({ description: 'The public JWK (EC P-256 or Ed25519)', type: 'object', additionalProperties: true })
  jwk: Record<string, unknown>;
  @ApiProperty({ format: 'date-time' })
  addedAt: string;
  @ApiProperty({
    format: 'date-time',
    nullable: true,
    description: 'null while the key is active; keys are never deleted',
  })
  revokedAt: string | null;
}

export class OrganisationKeyHistoryResponse {
  @ApiProperty({ example: 'police-cleveland' })
  id: string;
  @ApiProperty({ type: [OrganisationKeyResponse] })
  keys: OrganisationKeyResponse[];
}

export class KeyRotationResponse {
  @ApiProperty({ example: 'police-cleveland' })
  id: string;
  @ApiProperty({ type: [String], description: 'kids now active that were not before' })
  added: string[];
  @ApiProperty({ type: [String], description: 'kids revoked by this call' })
  revoked: string[];
}
