import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  IsArray,
  IsBoolean,
  IsIn,
  IsNumber,
  IsObject,
  IsString,
  Length,
  Matches,
  Max,
  Min,
  ValidateNested,
} from 'class-validator';
import { IsPastDate, IsRfc3339, Omittable } from '@shared/http/validators.js';
import { SEVERITIES } from '../../domain/case.types.js';
import { RoshDto } from '../upsert-case/upsert-case.dto.js';

const pct = () => (target: object, key: string) => {
  IsNumber({ allowNaN: false, allowInfinity: false, maxDecimalPlaces: 2 })(target, key);
  Min(0)(target, key);
  Max(100)(target, key);
};

export class ScoresDto {
  @ApiProperty({ description: 'OGRS3 two-year proven reoffending probability, %' }) @pct() ogrs3TwoYear: number;
  @ApiProperty({ description: 'OASys General reoffending Predictor, %' }) @pct() ogp: number;
  @ApiProperty({ description: 'OASys Violence reoffending Predictor, %' }) @pct() ovp: number;
  @ApiProperty({ description: 'Risk of Serious Recidivism, %' }) @pct() rsr: number;
  @ApiPropertyOptional({
    description: 'Predictor algorithm versions, so later predictors can coexist',
    example: 'OGRS3/OGP1/OVP1/RSR1',
  })
  @Omittable()
  @IsString()
  @Length(1, 60)
  algorithmVersion?: string;
}

export class NeedDto {
  @ApiProperty({ enum: SEVERITIES }) @IsIn(SEVERITIES) severity: (typeof SEVERITIES)[number];
  @ApiProperty() @IsBoolean() linkedToHarm: boolean;
  @ApiProperty() @IsBoolean() linkedToReoffending: boolean;
  @ApiPropertyOptional() @Omittable() @IsString() @Length(0, 2000) notes?: string;
}

export class NeedsDto {
  @ApiProperty({ type: NeedDto }) @IsObject() @ValidateNested() @Type(() => NeedDto) accommodation: NeedDto;
  @ApiProperty({ type: NeedDto })
  @IsObject()
  @ValidateNested()
  @Type(() => NeedDto)
  educationTrainingEmployability: NeedDto;
  @ApiProperty({ type: NeedDto }) @IsObject() @ValidateNested() @Type(() => NeedDto) finance: NeedDto;
  @ApiProperty({ type: NeedDto }) @IsObject() @ValidateNested() @Type(() => NeedDto) relationships: NeedDto;
  @ApiProperty({ type: NeedDto }) @IsObject() @ValidateNested() @Type(() => NeedDto) lifestyleAssociates: NeedDto;
  @ApiProperty({ type: NeedDto }) @IsObject() @ValidateNested() @Type(() => NeedDto) drugMisuse: NeedDto;
  @ApiProperty({ type: NeedDto }) @IsObject() @ValidateNested() @Type(() => NeedDto) alcoholMisuse: NeedDto;
  @ApiProperty({ type: NeedDto }) @IsObject() @ValidateNested() @Type(() => NeedDto) emotionalWellbeing: NeedDto;
  @ApiProperty({ type: NeedDto }) @IsObject() @ValidateNested() @Type(() => NeedDto) thinkingBehaviour: NeedDto;
  @ApiProperty({ type: NeedDto }) @IsObject() @ValidateNested() @Type(() => NeedDto) attitudes: NeedDto;
}

export class RiskManagementPlanDto {
  @ApiProperty() @IsString() @Length(1, 4000) summary: string;
  @ApiProperty({ type: [String] })
  @IsArray()
  @ArrayMaxSize(50)
  @IsString({ each: true })
  @Length(1, 1000, { each: true })
  actions: string[];
}

export class SensitiveDto {
  @ApiPropertyOptional({ description: 'special category: health' })
  @Omittable()
  @IsString()
  @Length(1, 4000)
  health?: string;
  @ApiPropertyOptional({ description: 'victim details' }) @Omittable() @IsString() @Length(1, 4000) victims?: string;
}

export class RecordAssessmentDto {
  @ApiProperty({ example: '2026-10-01T10:00:00Z' })
  @IsRfc3339({ message: 'completedAt must be an RFC 3339 date-time' })
  @IsPastDate({ minYear: 2000 })
  completedAt: string;

  @ApiProperty({ example: 'PO J. Bloggs' }) @IsString() @Length(1, 200) assessor: string;
  @ApiProperty({ type: ScoresDto }) @IsObject() @ValidateNested() @Type(() => ScoresDto) scores: ScoresDto;
  @ApiProperty({ type: RoshDto }) @IsObject() @ValidateNested() @Type(() => RoshDto) rosh: RoshDto;
  @ApiProperty({ type: NeedsDto }) @IsObject() @ValidateNested() @Type(() => NeedsDto) needs: NeedsDto;
  @ApiProperty({ type: RiskManagementPlanDto })
  @IsObject()
  @ValidateNested()
  @Type(() => RiskManagementPlanDto)
  riskManagementPlan: RiskManagementPlanDto;
  @ApiPropertyOptional({ type: SensitiveDto })
  @Omittable()
  @IsObject()
  @ValidateNested()
  @Type(() => SensitiveDto)
  sensitive?: SensitiveDto;
}

export class AssessmentParams {
  @ApiProperty({ description: 'Case reference number', example: 'X123456', pattern: '^[A-Z][0-9]{6}$' })
  @Matches(/^[A-Z][0-9]{6}$/, { message: 'crn must be one capital letter and six digits' })
  crn: string;
  @ApiProperty({
    description: "The assessment's id in the managing organisation's system",
    example: 'oasys-2025-0001',
    pattern: '^(?!\\.+$)[A-Za-z0-9._-]{1,64}$',
  })
  // Not "." or "..": a path segment that clients normalising URLs could never address again.
  @Matches(/^(?!\.+$)[A-Za-z0-9._-]{1,64}$/, {
    message: 'assessmentId must be 1-64 letters, digits, ".", "_" or "-", and not dots alone',
  })
  assessmentId: string;
}
