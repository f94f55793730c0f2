import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Allow } from 'class-validator';

/** How an IdP's claims become roles and attributes at the gateway (for the OpenAPI document). */
export class ClaimMappingDto {
  @ApiProperty({ example: 'groups', description: 'The ID-token claim holding the person’s groups or roles' })
  rolesClaim: string;

  @ApiProperty({
    type: 'object',
    additionalProperties: { type: 'string' },
    example: { 'IOM-Team': 'iom-officer', 'Info-Gov': 'ig-reviewer' },
    description: 'IdP value -> gateway role; only roles the organisation’s kind can hold',
  })
  roles: Record<string, string>;

  @ApiPropertyOptional({
    type: 'object',
    additionalProperties: { type: 'string' },
    example: { force: 'force_code', team: 'team' },
    description: 'Gateway attribute -> the ID-token claim that holds it',
  })
  attributes?: Record<string, string>;

  @ApiPropertyOptional({
    type: 'object',
    additionalProperties: { type: 'string' },
    example: { org: 'police-cleveland' },
    description: 'Claims that must hold exactly this value, or the sign-in is refused',
  })
  required?: Record<string, string>;
}

/**
 * The body of PUT /organisations/{id}/identity-provider. Each field is checked, with the
 * organisation's kind, by validateIdpRegistration (400 naming each field in error).
 */
export class RegisterIdentityProviderDto {
  @ApiProperty({
    type: String,
    example: 'https://login.police-cleveland.example',
    description: 'https (http only on loopback)',
  })
  @Allow()
  issuer: unknown;

  @ApiProperty({ type: String, example: 'probation-gateway' })
  @Allow()
  clientId: unknown;

  @ApiPropertyOptional({
    type: String,
    enum: ['private_key_jwt'],
    default: 'private_key_jwt',
    description: 'The gateway authenticates with its own key (published at /.well-known/jwks.json)',
  })
  @Allow()
  clientAuthentication?: unknown;

  @ApiProperty({ type: ClaimMappingDto })
  @Allow()
  claimMapping: unknown;
}

/** An organisation's registered identity provider. */
export class IdentityProviderResponse {
  @ApiProperty({ example: 'police-cleveland' }) org: string;
  @ApiProperty({ example: 'https://login.police-cleveland.example' }) issuer: string;
  @ApiProperty({ example: 'probation-gateway' }) clientId: string;
  @ApiProperty({ enum: ['private_key_jwt'] }) clientAuthentication: string;
  @ApiProperty({ type: ClaimMappingDto }) claimMapping: ClaimMappingDto;
  @ApiProperty({ description: 'Moves on with every change; sessions opened under an older one are over' })
  revision: number;
  @ApiProperty({ format: 'date-time' }) updatedAt: string;
}

export class IdentityProviderRegisteredResponse extends IdentityProviderResponse {
  @ApiProperty({ description: 'Whether anything registered changed' }) changed: boolean;
  @ApiProperty({ description: 'Sessions of the organisation the change ended' }) sessionsEnded: number;
}

export class IdentityProviderRemovedResponse {
  @ApiProperty({ example: 'police-cleveland' }) org: string;
  @ApiProperty() sessionsEnded: number;
}
