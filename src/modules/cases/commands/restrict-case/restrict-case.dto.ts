import { ApiProperty } from '@nestjs/swagger';
import { IsString, Length } from 'class-validator';
import { HasText } from '@shared/http/validators.js';

export class RestrictCaseDto {
  @ApiProperty({
    example: 'Accuracy contested by the data subject',
    description: 'Why processing is restricted (DPA 2018 s.47(2) or (3))',
  })
  @IsString()
  @Length(3, 1000)
  @HasText(3)
  reason: string;
}
