import { Body, Controller, Delete, Get, HttpCode, Param, Post, Query } from '@nestjs/common';
import { ApiCreatedResponse, ApiNoContentResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { CurrentPrincipal, Roles } from '@shared/auth/decorators.js';
import type { Principal } from '@shared/auth/principal.js';
import { ApiSignedRoute } from '@shared/http/api-problems.js';
import { EventFeedService } from '../application/event-feed.service.js';
import { SubscriptionsService } from '../application/subscriptions.service.js';
import { CreateSubscriptionDto, EventFeedQuery, SubscriptionIdParam } from './subscription.dto.js';

@ApiTags('events')
@Controller()
export class EventsController {
  constructor(
    private readonly subscriptions: SubscriptionsService,
    private readonly feed: EventFeedService,
  ) {}

  @Post('subscriptions')
  @Roles('system')
  @ApiOperation({ summary: "Subscribe the caller's organisation to events by webhook (system role)" })
  @ApiCreatedResponse({ description: '{ id, url, types, signature, secret? } (the v1 secret is shown only here)' })
  @ApiSignedRoute(400, 403)
  create(@CurrentPrincipal() p: Principal, @Body() dto: CreateSubscriptionDto) {
    return this.subscriptions.create(p, dto);
  }

  @Get('subscriptions')
  @Roles('system')
  @ApiOperation({ summary: "The caller organisation's subscriptions and their delivery status (system role)" })
  @ApiOkResponse({
    description:
      '{ subscriptions: [{ id, url, types, signature, createdAt, delivered, failedAttempts, deadLetters, backlog }] }',
  })
  @ApiSignedRoute(403)
  async list(@CurrentPrincipal() p: Principal) {
    return { subscriptions: await this.subscriptions.list(p) };
  }

  @Delete('subscriptions/:id')
  @HttpCode(204)
  @Roles('system')
  @ApiOperation({ summary: 'Stop a subscription (system role)' })
  @ApiNoContentResponse({ description: 'Stopped; no further deliveries' })
  @ApiSignedRoute(400, 403, 404)
  async remove(@CurrentPrincipal() p: Principal, @Param() { id }: SubscriptionIdParam): Promise<void> {
    await this.subscriptions.delete(p, id);
  }

  @Post('subscriptions/:id/replay')
  @HttpCode(200)
  @Roles('system')
  @ApiOperation({ summary: "Send the subscription's dead letters again (system role)" })
  @ApiOkResponse({ description: '{ id, requeued: <count of dead letters queued again> }' })
  @ApiSignedRoute(400, 403, 404)
  replay(@CurrentPrincipal() p: Principal, @Param() { id }: SubscriptionIdParam) {
    return this.subscriptions.replay(p, id);
  }

  @Get('events')
  @Roles('system')
  @ApiOperation({ summary: 'Pull feed: events the caller may see now, after a cursor (system role)' })
  @ApiOkResponse({ description: '{ events: [CloudEvent], nextCursor }' })
  @ApiSignedRoute(400, 403)
  page(@CurrentPrincipal() p: Principal, @Query() q: EventFeedQuery) {
    return this.feed.page(p, q.after ?? '0', q.limit ? Number(q.limit) : 100);
  }
}
