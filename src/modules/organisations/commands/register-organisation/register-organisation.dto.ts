import { ApiProperty } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  ArrayMinSize,
  IsArray,
  IsIn,
  IsObject,
  IsString,
  Length,
  Matches,
  ValidateNested,
} from 'class-validator';
import { ORG_KINDS, type OrgKind } from '@shared/auth/roles.js';
import { HasText } from '@shared/http/validators.js';

/** Text shown to people on every page: no control characters, no overrides of the text's direction. */
const DISPLAYABLE = /^[^\p{Cc}\u202a-\u202e\u2066-\u2069]*$/u;

export class JwksDto {
  @ApiProperty({
    type: 'array',
    items: { type: 'object' },
    description: 'Public JWKs: EC P-256 (ES256) or Ed25519 (EdDSA), each with a unique kid',
  })
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(10)
  @IsObject({ each: true })
  keys: Record<string, unknown>[];
}

export class RegisterOrganisationDto {
  @ApiProperty({ example: 'crc-durham-tees-valley', description: 'lowercase slug' })
  @IsString()
  @Length(2, 64)
  @Matches(/^[a-z0-9]+(-[a-z0-9]+)*$/, { message: 'id must be a lowercase slug such as crc-durham-tees-valley' })
  id: string;

  @ApiProperty({ enum: ORG_KINDS.filter((k) => k !== 'GATEWAY') })
  @IsIn(['NPS', 'CRC', 'POLICE'], { message: 'kind must be one of NPS, CRC, POLICE' })
  kind: OrgKind;

  @ApiProperty({ example: 'Durham Tees Valley CRC' })
  @IsString()
  @Length(1, 200)
  @HasText(1)
  @Matches(DISPLAYABLE, { message: 'name must not contain control or bidirectional-override characters' })
  name: string;

  @ApiProperty({ example: 'North East' })
  @IsString()
  @Length(1, 100)
  @HasText(1)
  @Matches(DISPLAYABLE, { message: 'region must not contain control or bidirectional-override characters' })
  region: string;

  @ApiProperty({ type: JwksDto })
  @IsObject()
  @ValidateNested()
  @Type(() => JwksDto)
  jwks: JwksDto;
}
