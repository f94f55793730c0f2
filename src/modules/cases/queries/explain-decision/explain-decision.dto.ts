import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  IsArray,
  IsBoolean,
  IsIn,
  IsObject,
  IsOptional,
  IsString,
  Length,
  Matches,
  ValidateNested,
} from 'class-validator';
import { PURPOSES, type Purpose } from '@shared/domain/vocabulary.js';

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

  @ApiPropertyOptional({ example: { force: 'cleveland' } }) @IsOptional() @IsObject() attrs?: Record<string, string>;

  @ApiPropertyOptional() @IsOptional() @IsBoolean() breakGlass?: boolean;
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
  @IsOptional()
  @IsIn(['summary', 'case'])
  view?: 'summary' | 'case';
}
