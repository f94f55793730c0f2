import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  IsArray,
  IsBoolean,
  IsIn,
  IsInt,
  IsObject,
  IsString,
  Length,
  Matches,
  Max,
  Min,
  IsUUID,
  ValidateNested,
} from 'class-validator';
import { PURPOSES, type Purpose } from '@shared/domain/vocabulary.js';
import { Omittable } from '@shared/http/validators.js';

export class ExplainPrincipalDto {
  @ApiProperty({ example: 'police-cleveland' })
  @Matches(/^[a-z0-9]+(-[a-z0-9]+)*$/, { message: 'principal.org must be an organisation id' })
  @Length(2, 64)
  org: string;

  @ApiProperty({ type: [String], example: ['iom-officer'] })
  @IsArray()
  @ArrayMaxSize(16)
  @IsString({ each: true })
  @Length(1, 64, { each: true })
  roles: string[];

  @ApiPropertyOptional({ example: { force: 'cleveland' } }) @Omittable() @IsObject() attrs?: Record<string, string>;

  @ApiPropertyOptional() @Omittable() @IsBoolean() breakGlass?: boolean;
}

/** An agreement version an access-log entry names (its `agreement`). */
export class ExplainAgreementDto {
  @ApiProperty({ format: 'uuid' }) @IsUUID('all', { message: 'agreement.id must be a UUID' }) id: string;
  @ApiProperty({ minimum: 1, example: 1 }) @IsInt() @Min(1) @Max(1_000_000) version: number;
}

export class ExplainDecisionDto {
  @ApiProperty({ type: ExplainPrincipalDto })
  @IsObject()
  @ValidateNested()
  @Type(() => ExplainPrincipalDto)
  principal: ExplainPrincipalDto;
  @ApiProperty({ example: 'X123456' })
  @Matches(/^[A-Z][0-9]{6}$/, { message: 'crn must be one capital letter and six digits' })
  crn: string;
  @ApiProperty({ enum: PURPOSES }) @IsIn(PURPOSES) purpose: Purpose;
  @ApiPropertyOptional({ enum: ['summary', 'case'], default: 'summary' })
  @Omittable()
  @IsIn(['summary', 'case'])
  view?: 'summary' | 'case';

  @ApiPropertyOptional({
    description:
      "Replay with this policy version (an access-log entry's policyVersion) instead of the one in force; unknown: 400",
    example: 'sha256:5f0c4e0d2b0c3f6d8c2a4d9e6b1f7a3c5e8d0b2a4c6e8f0a2b4c6d8e0f2a4b6c',
  })
  @Omittable()
  @Matches(/^sha256:[0-9a-f]{64}$/, { message: 'policyVersion must be sha256: and 64 lowercase hex digits' })
  policyVersion?: string;

  @ApiPropertyOptional({
    type: ExplainAgreementDto,
    description:
      "Replay relying on this agreement version (an access-log entry's agreement) instead of the agreements in force; unknown, or one the caller's organisation is not party to: 400",
  })
  @Omittable()
  @IsObject()
  @ValidateNested()
  @Type(() => ExplainAgreementDto)
  agreement?: ExplainAgreementDto;
}
