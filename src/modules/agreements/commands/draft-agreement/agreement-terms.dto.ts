import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  ArrayMinSize,
  ArrayUnique,
  IsArray,
  IsBoolean,
  IsEmail,
  IsIn,
  IsInt,
  IsObject,
  IsRFC3339,
  IsString,
  Length,
  Matches,
  Max,
  Min,
  ValidateNested,
} from 'class-validator';
import { DATA_CATEGORIES, PURPOSES, type DataCategory, type Purpose } from '@shared/domain/vocabulary.js';
import { PARTY_ROLES, type PartyRole } from '../../domain/agreement-terms.js';
import { Omittable } from '@shared/http/validators.js';

const SLUG = /^[a-z0-9]+(-[a-z0-9]+)*$/;
/** A reference as document registers write them (DPIA-2026-014, IG/DPIA/17): printable, no free prose. */
const DPIA_REFERENCE = /^[A-Za-z0-9][A-Za-z0-9 ./_:-]*$/;
const RFC3339 = { message: '$property must be an RFC 3339 date-time such as 2026-04-01T00:00:00Z' };

export class PartyDto {
  @ApiProperty({ example: 'police-cleveland' })
  @IsString()
  @Length(2, 64)
  @Matches(SLUG, { message: 'org must be an organisation id (lowercase slug)' })
  org: string;

  @ApiProperty({ enum: PARTY_ROLES, description: 'PROVIDER gives data, RECIPIENT receives it, BOTH does both' })
  @IsIn(PARTY_ROLES, { message: `role must be one of ${PARTY_ROLES.join(', ')}` })
  role: PartyRole;

  @ApiPropertyOptional({
    default: true,
    description: 'Whether the party is a controller of the shared data (default true)',
  })
  @Omittable()
  @IsBoolean()
  controller?: boolean;
}

/** Lawful basis per purpose; only purposes the agreement lists. */
export class LawfulBasisByPurposeDto implements Partial<Record<Purpose, string[]>> {
  @ApiPropertyOptional({ type: [String] })
  @Omittable()
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(20)
  @IsString({ each: true })
  @Length(3, 500, { each: true })
  IOM?: string[];

  @ApiPropertyOptional({ type: [String] })
  @Omittable()
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(20)
  @IsString({ each: true })
  @Length(3, 500, { each: true })
  MAPPA?: string[];

  @ApiPropertyOptional({ type: [String] })
  @Omittable()
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(20)
  @IsString({ each: true })
  @Length(3, 500, { each: true })
  RISK_MANAGEMENT?: string[];

  @ApiPropertyOptional({ type: [String] })
  @Omittable()
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(20)
  @IsString({ each: true })
  @Length(3, 500, { each: true })
  RECALL?: string[];

  @ApiPropertyOptional({ type: [String] })
  @Omittable()
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(20)
  @IsString({ each: true })
  @Length(3, 500, { each: true })
  COURT_REPORT?: string[];

  @ApiPropertyOptional({ type: [String] })
  @Omittable()
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(20)
  @IsString({ each: true })
  @Length(3, 500, { each: true })
  SUBJECT_ACCESS?: string[];
}

/** The condition relied on for each special category the agreement names. */
export class SpecialCategoryConditionsDto {
  @ApiPropertyOptional({
    example:
      'DPA 2018 s.35(5) and Sch.8 para 1 (statutory purposes); health information limited to risk-relevant conditions',
  })
  @Omittable()
  @IsString()
  @Length(10, 1000)
  HEALTH?: string;

  @ApiPropertyOptional({ example: 'Criminal Justice Act 2003 s.325; victim safety planning' })
  @Omittable()
  @IsString()
  @Length(10, 1000)
  VICTIMS?: string;
}

export class ContactDto {
  @ApiProperty({ example: 'police-cleveland' })
  @IsString()
  @Length(2, 64)
  @Matches(SLUG, { message: 'org must be an organisation id (lowercase slug)' })
  org: string;

  @ApiProperty({ example: 'Information Governance Lead' })
  @IsString()
  @Length(1, 200)
  name: string;

  @ApiProperty({ example: 'ig@cleveland.police.example' })
  @IsEmail({}, { message: 'email must be an email address' })
  @Length(3, 254)
  email: string;

  @ApiPropertyOptional({ example: 'Single point of contact' })
  @Omittable()
  @IsString()
  @Length(1, 200)
  role?: string;
}

export class TerminationDto {
  @ApiProperty({ example: 30, description: 'Notice a party gives before the agreement ends (days)' })
  @IsInt()
  @Min(0)
  @Max(365)
  noticeDays: number;

  @ApiProperty({
    example: 'Each recipient securely destroys shared data it no longer needs within 30 days and confirms in writing',
  })
  @IsString()
  @Length(10, 2000)
  dataOnTermination: string;
}

/**
 * The terms of an agreement (POST /agreements, and PUT /agreements/{id} to amend). The fields
 * docs/api.md lists are required; `securityMeasures`, `contacts`, `termination`,
 * `lawfulBasisByPurpose` and `specialCategoryConditions` (required for HEALTH or VICTIMS) add
 * what the ICO data sharing code asks an agreement to say.
 */
export class AgreementTermsDto {
  @ApiProperty({ example: 'Cleveland IOM information sharing agreement' })
  @IsString()
  @Length(3, 200)
  title: string;

  @ApiProperty({ type: [PartyDto] })
  @IsArray()
  @ArrayMinSize(2)
  @ArrayMaxSize(30)
  @ValidateNested({ each: true })
  @Type(() => PartyDto)
  parties: PartyDto[];

  @ApiProperty({ enum: PURPOSES, isArray: true })
  @IsArray()
  @ArrayMinSize(1)
  @ArrayUnique({ message: 'purposes must not repeat a purpose' })
  @IsIn(PURPOSES, { each: true, message: `each purpose must be one of ${PURPOSES.join(', ')}` })
  purposes: Purpose[];

  @ApiProperty({ enum: DATA_CATEGORIES, isArray: true })
  @IsArray()
  @ArrayMinSize(1)
  @ArrayUnique({ message: 'dataCategories must not repeat a category' })
  @IsIn(DATA_CATEGORIES, { each: true, message: `each data category must be one of ${DATA_CATEGORIES.join(', ')}` })
  dataCategories: DataCategory[];

  @ApiProperty({ type: [String], example: ['Data Protection Act 2018 Part 3', 'Crime and Disorder Act 1998 s.115'] })
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(20)
  @IsString({ each: true })
  @Length(3, 500, { each: true })
  lawfulBasis: string[];

  @ApiPropertyOptional({ type: LawfulBasisByPurposeDto, description: 'Lawful basis per purpose, where they differ' })
  @Omittable()
  @IsObject()
  @ValidateNested()
  @Type(() => LawfulBasisByPurposeDto)
  lawfulBasisByPurpose?: LawfulBasisByPurposeDto;

  @ApiPropertyOptional({
    type: SpecialCategoryConditionsDto,
    description: 'Required for each of HEALTH and VICTIMS the agreement includes',
  })
  @Omittable()
  @IsObject()
  @ValidateNested()
  @Type(() => SpecialCategoryConditionsDto)
  specialCategoryConditions?: SpecialCategoryConditionsDto;

  @ApiProperty({ example: 730, description: 'How long a recipient may keep shared data (days)' })
  @IsInt()
  @Min(1)
  @Max(36500)
  retentionDays: number;

  @ApiPropertyOptional({
    type: [String],
    example: ['Data exchanged only through the gateway over TLS 1.3', 'Access limited to vetted staff'],
  })
  @Omittable()
  @IsArray()
  @ArrayMaxSize(50)
  @IsString({ each: true })
  @Length(3, 1000, { each: true })
  securityMeasures?: string[];

  @ApiProperty({ example: '2026-04-01T00:00:00Z' })
  @IsRFC3339(RFC3339)
  validFrom: string;

  @ApiProperty({ example: '2029-03-31T23:59:59Z' })
  @IsRFC3339(RFC3339)
  validTo: string;

  @ApiProperty({
    example: '2027-03-31T00:00:00Z',
    description: 'When the parties review the agreement (between validFrom and validTo)',
  })
  @IsRFC3339(RFC3339)
  reviewBy: string;

  @ApiPropertyOptional({
    example: 12,
    description: 'Months between reviews after reviewBy while this version is in force (omit for a single review)',
  })
  @Omittable()
  @IsInt()
  @Min(1)
  @Max(120)
  reviewIntervalMonths?: number;

  @ApiPropertyOptional({
    example: 'DPIA-2026-014',
    description: 'Reference of the data protection impact assessment the sharing rests on (DPA 2018 s.64)',
  })
  @Omittable()
  @IsString()
  @Length(3, 100)
  @Matches(DPIA_REFERENCE, { message: 'dpiaReference must be letters, digits and . / _ - : or spaces' })
  dpiaReference?: string;

  @ApiPropertyOptional({ type: [ContactDto] })
  @Omittable()
  @IsArray()
  @ArrayMaxSize(60)
  @ValidateNested({ each: true })
  @Type(() => ContactDto)
  contacts?: ContactDto[];

  @ApiPropertyOptional({
    type: TerminationDto,
    description: 'How the agreement ends: notice and what happens to shared data',
  })
  @Omittable()
  @IsObject()
  @ValidateNested()
  @Type(() => TerminationDto)
  termination?: TerminationDto;
}
