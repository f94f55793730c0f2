import { ApiProperty } from '@nestjs/swagger';
import { IsString, Length } from 'class-validator';
import { HasText } from '@shared/http/validators.js';

/** Body of suspend, resume and terminate: why, for the record and for the other parties. */
export class StatusReasonDto {
  @ApiProperty({ example: 'Suspected misuse of shared data under investigation (IG ref 2026-041)' })
  @IsString()
  @Length(3, 2000)
  @HasText(3)
  reason: string;
}
