import { ApiProperty } from '@nestjs/swagger';
import { IsString, Length, Matches } from 'class-validator';

/** Body of suspend, resume and terminate: why, for the record and for the other parties. */
export class StatusReasonDto {
  @ApiProperty({ example: 'Suspected misuse of shared data under investigation (IG ref 2026-041)' })
  @IsString()
  @Length(3, 2000)
  @Matches(/\S/, { message: 'reason must not be blank' })
  reason: string;
}
