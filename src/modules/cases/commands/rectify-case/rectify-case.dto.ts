import { ApiProperty, ApiPropertyOptional, PartialType, PickType } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsIn, IsObject, IsString, Length, ValidateNested } from 'class-validator';
import { TIERS, type Tier } from '../../domain/case.types.js';
import { PersonDto } from '../upsert-case/upsert-case.dto.js';
import { Omittable, HasText } from '@shared/http/validators.js';

export class RectifiedPersonDto extends PartialType(
  PickType(PersonDto, ['givenName', 'familyName', 'dateOfBirth', 'pncId'] as const),
) {}

export class RectifyCaseDto {
  @ApiProperty({ example: 'Date of birth mistyped at induction', description: 'Why the data was inaccurate' })
  @IsString()
  @Length(3, 1000)
  @HasText(3)
  reason: string;

  @ApiPropertyOptional({ type: RectifiedPersonDto, description: 'Only the corrected members' })
  @Omittable()
  @IsObject()
  @ValidateNested()
  @Type(() => RectifiedPersonDto)
  person?: RectifiedPersonDto;

  @ApiPropertyOptional({ enum: TIERS })
  @Omittable()
  @IsIn(TIERS, { message: `tier must be one of ${TIERS.join(' ')}` })
  tier?: Tier;
}
