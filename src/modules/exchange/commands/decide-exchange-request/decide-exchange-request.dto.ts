import { ApiProperty } from '@nestjs/swagger';
import { IsIn, IsString, Matches, MaxLength, MinLength } from 'class-validator';
import { HasText } from '@shared/http/validators.js';

export class DecideExchangeRequestDto {
  @ApiProperty({ enum: ['APPROVE', 'REFUSE'] })
  @IsIn(['APPROVE', 'REFUSE'], { message: 'decision must be APPROVE or REFUSE' })
  decision: 'APPROVE' | 'REFUSE';

  @ApiProperty({ description: 'Why: shown to the requester and written to the access log', maxLength: 1000 })
  @IsString()
  @MinLength(1)
  @MaxLength(1000)
  @HasText(1)
  reason: string;
}

export class ExchangeRequestIdParam {
  @ApiProperty({ format: 'uuid' })
  @Matches(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i, { message: 'id must be a UUID' })
  id: string;
}
