import { ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsIn, IsInt, Matches, Max, Min } from 'class-validator';
import { EXCHANGE_STATUSES, type ExchangeStatus } from '../../domain/exchange-request.js';
import { Omittable } from '@shared/http/validators.js';

export class ListExchangeRequestsDto {
  @ApiPropertyOptional({
    enum: ['incoming', 'outgoing'],
    description: 'incoming: asked of your organisation (provider); outgoing: asked by it. Both when absent.',
  })
  @Omittable()
  @IsIn(['incoming', 'outgoing'], { message: 'direction must be incoming or outgoing' })
  direction?: 'incoming' | 'outgoing';

  @ApiPropertyOptional({ enum: EXCHANGE_STATUSES })
  @Omittable()
  @IsIn(EXCHANGE_STATUSES, { message: `status must be one of ${EXCHANGE_STATUSES.join(', ')}` })
  status?: ExchangeStatus;

  @ApiPropertyOptional({
    enum: ['true', 'false'],
    description: 'true: only open requests past their due time; false: all others',
  })
  @Omittable()
  @IsIn(['true', 'false'], { message: 'overdue must be true or false' })
  overdue?: 'true' | 'false';

  @ApiPropertyOptional({
    description:
      'Only the requests this actor submitted (the `sub` of the token that submitted them, e.g. user:pc-101)',
    maxLength: 260,
  })
  @Omittable()
  // A signed-in person's sub is `user:` and their identity provider's (OIDC allows 255 characters).
  @Matches(/^(user|system):[\x20-\x7e]{1,255}$/, { message: 'submittedBy must be a token sub such as user:pc-101' })
  submittedBy?: string;

  @ApiPropertyOptional({ description: 'nextCursor of the previous page' })
  @Omittable()
  @Matches(/^[A-Za-z0-9_-]{1,200}$/, { message: 'cursor must be a nextCursor value' })
  cursor?: string;

  @ApiPropertyOptional({ minimum: 1, maximum: 200, default: 50 })
  @Omittable()
  // Only plain decimal digits become a number (Number() would also read 0x10, 1e1, +5 and " 5").
  @Transform(({ value }: { value: unknown }) =>
    typeof value === 'string' && /^[0-9]{1,4}$/.test(value) ? Number(value) : value,
  )
  @IsInt({ message: 'limit must be an integer from 1 to 200' })
  @Min(1)
  @Max(200)
  limit?: number;
}
