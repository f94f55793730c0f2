import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  IsArray,
  IsBoolean,
  IsIn,
  IsInt,
  IsObject,
  IsOptional,
  IsString,
  Length,
  Matches,
  Max,
  Min,
  ValidateIf,
  ValidateNested,
} from 'class-validator';
import { IsNotBefore, IsPastDate, Omittable } from '@shared/http/validators.js';
import { RISK_LEVELS, TIERS, type RiskLevel, type Tier } from '../../domain/case.types.js';

const NAME = /^[\p{L}\p{M}' .-]+$/u;

export class PersonDto {
  @ApiProperty({ example: 'Alex' })
  @IsString()
  @Length(1, 100)
  @Matches(NAME, { message: 'givenName may contain letters, spaces, apostrophes, dots and hyphens only' })
  givenName: string;

  @ApiProperty({ example: 'Smith' })
  @IsString()
  @Length(1, 100)
  @Matches(NAME, { message: 'familyName may contain letters, spaces, apostrophes, dots and hyphens only' })
  familyName: string;

  @ApiProperty({ example: '1990-04-12', description: 'YYYY-MM-DD, in the past' })
  @Matches(/^\d{4}-\d{2}-\d{2}$/, { message: 'dateOfBirth must be a date YYYY-MM-DD' })
  @IsPastDate({ minYear: 1900 })
  dateOfBirth: string;

  @ApiPropertyOptional({ example: '2004/0012345A' })
  @Omittable()
  @Matches(/^\d{4}\/\d{7}[A-Z]$/, { message: 'pncId must look like 2004/0012345A' })
  pncId?: string;
}

export class RoshDto {
  @ApiProperty({ enum: RISK_LEVELS }) @IsIn(RISK_LEVELS) overall: RiskLevel;
  @ApiProperty({ enum: RISK_LEVELS }) @IsIn(RISK_LEVELS) children: RiskLevel;
  @ApiProperty({ enum: RISK_LEVELS }) @IsIn(RISK_LEVELS) public: RiskLevel;
  @ApiProperty({ enum: RISK_LEVELS }) @IsIn(RISK_LEVELS) knownAdult: RiskLevel;
  @ApiProperty({ enum: RISK_LEVELS }) @IsIn(RISK_LEVELS) staff: RiskLevel;
}

export class MappaDto {
  @ApiProperty({ minimum: 1, maximum: 3 }) @IsInt() @Min(1) @Max(3) category: number;
  @ApiProperty({ minimum: 1, maximum: 3 }) @IsInt() @Min(1) @Max(3) level: number;
}

export class IomDto {
  @ApiProperty() @IsBoolean() cohort: boolean;
  @ApiProperty({
    example: 'cleveland',
    description: 'police force (the force part of its organisation id police-<force>)',
  })
  @IsString()
  @Matches(/^[a-z0-9]+(-[a-z0-9]+)*$/, { message: 'force must be a lowercase force name such as cleveland' })
  @Length(2, 60)
  force: string;
}

export class UpsertCaseDto {
  @ApiProperty({ type: PersonDto }) @IsObject() @ValidateNested() @Type(() => PersonDto) person: PersonDto;

  @ApiProperty({ example: 'crc-durham-tees-valley' })
  @Matches(/^[a-z0-9]+(-[a-z0-9]+)*$/, { message: 'managingOrg must be an organisation id' })
  @Length(2, 64)
  managingOrg: string;

  @ApiProperty({ enum: TIERS }) @IsIn(TIERS, { message: `tier must be one of ${TIERS.join(' ')}` }) tier: Tier;

  @ApiProperty({ type: RoshDto }) @IsObject() @ValidateNested() @Type(() => RoshDto) rosh: RoshDto;

  @ApiProperty({ type: MappaDto, nullable: true })
  @ValidateIf((_, v) => v !== null)
  @IsObject({ message: 'mappa must be an object or null' })
  @ValidateNested()
  @Type(() => MappaDto)
  mappa: MappaDto | null;

  @ApiProperty({ type: IomDto, nullable: true })
  @ValidateIf((_, v) => v !== null)
  @IsObject({ message: 'iom must be an object or null' })
  @ValidateNested()
  @Type(() => IomDto)
  iom: IomDto | null;

  @ApiProperty({ type: [String] })
  @IsArray()
  @ArrayMaxSize(50)
  @IsString({ each: true })
  @Length(1, 500, { each: true })
  licenceConditions: string[];

  @ApiProperty() @IsBoolean() restricted: boolean;

  @ApiPropertyOptional({
    type: String,
    format: 'date',
    example: '2026-03-31',
    nullable: true,
    description:
      'YYYY-MM-DD: the day supervision ended (null or absent while it goes on). The retention period of the case record runs from it (README, Retention).',
  })
  @IsOptional()
  @Matches(/^\d{4}-\d{2}-\d{2}$/, { message: 'supervisionEndedOn must be a date YYYY-MM-DD' })
  @IsPastDate({ minYear: 1900 })
  @IsNotBefore((o) => (o as UpsertCaseDto).person?.dateOfBirth, 'person.dateOfBirth')
  supervisionEndedOn?: string | null;
}
