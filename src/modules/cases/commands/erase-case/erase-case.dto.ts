import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { ArrayMinSize, ArrayUnique, IsArray, IsIn, IsString, Length } from 'class-validator';
import { ERASABLE_PARTS, type ErasablePart } from '../../domain/case.js';
import { Omittable, HasText } from '@shared/http/validators.js';

export class EraseCaseDto {
  @ApiProperty({ example: 'Supervision ended; no lawful basis to keep the record', description: 'Why it is erased' })
  @IsString()
  @Length(3, 1000)
  @HasText(3)
  reason: string;

  @ApiPropertyOptional({
    enum: ERASABLE_PARTS,
    isArray: true,
    description: 'Erase only these parts and keep the case; absent: erase the whole case and its assessments',
  })
  @Omittable()
  @IsArray()
  @ArrayMinSize(1)
  @ArrayUnique()
  @IsIn(ERASABLE_PARTS, { each: true, message: `each part must be one of ${ERASABLE_PARTS.join(', ')}` })
  parts?: ErasablePart[];
}
