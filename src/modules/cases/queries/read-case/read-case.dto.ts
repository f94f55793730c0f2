import { ApiProperty } from '@nestjs/swagger';
import { IsIn, Matches } from 'class-validator';
import { PURPOSES, type Purpose } from '@shared/domain/vocabulary.js';

export class CrnParam {
  @ApiProperty({ example: 'X123456' })
  @Matches(/^[A-Z][0-9]{6}$/, { message: 'crn must be one capital letter and six digits' })
  crn: string;
}

export class PurposeQueryDto {
  @ApiProperty({ enum: PURPOSES, description: 'Why the data is needed; required on every read' })
  @IsIn(PURPOSES, { message: `purpose must be one of ${PURPOSES.join(', ')}` })
  purpose: Purpose;
}
