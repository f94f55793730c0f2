import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import {
  ArrayMaxSize,
  ArrayMinSize,
  ArrayUnique,
  IsArray,
  IsIn,
  IsString,
  IsUUID,
  Matches,
  MaxLength,
} from 'class-validator';
import { EVENT_TYPES } from '@shared/events/index.js';
import { Omittable } from '@shared/http/validators.js';

export class CreateSubscriptionDto {
  @ApiProperty({
    example: 'https://partner.example/webhooks/gateway',
    description:
      'https only (http only for hosts in WEBHOOK_ALLOW_HOSTS); never loopback, link-local or private addresses',
  })
  @IsString()
  @MaxLength(2048)
  url!: string;

  @ApiProperty({
    example: ['case.escalated', 'agreement.suspended'],
    description: `Event types, or ["*"] for all: ${EVENT_TYPES.join(', ')}`,
  })
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(EVENT_TYPES.length)
  @ArrayUnique()
  @IsIn(['*', ...EVENT_TYPES], { each: true })
  types!: string[];

  @ApiPropertyOptional({
    enum: ['v1a', 'v1'],
    description:
      'v1a (default): Ed25519 under the gateway keys of /.well-known/jwks.json; v1: HMAC-SHA256 with a secret returned once, at creation',
  })
  @Omittable()
  @IsIn(['v1a', 'v1'])
  signature?: 'v1a' | 'v1';
}

export class SubscriptionIdParam {
  @ApiProperty({ format: 'uuid' })
  @IsUUID()
  id!: string;
}

export class EventFeedQuery {
  @ApiPropertyOptional({ description: 'nextCursor of the previous page; omit (or 0) to start at the oldest event' })
  @Omittable()
  @Matches(/^\d{1,18}$/, { message: 'after must be a cursor returned as nextCursor' })
  after?: string;

  @ApiPropertyOptional({ description: 'Events scanned per page, 1-500 (default 100)' })
  @Omittable()
  @Matches(/^([1-9]\d{0,1}|[1-4]\d\d|500)$/, { message: 'limit must be an integer from 1 to 500' })
  limit?: string;
}
