import { Module } from '@nestjs/common';
import { AccessLogModule } from '@modules/access-log/index.js';
import { CasesModule } from '@modules/cases/index.js';
import { OrganisationsModule } from '@modules/organisations/index.js';
import { DeliveryWorker } from './application/delivery.worker.js';
import { EmailNotifier } from './application/email-notifier.js';
import { EventAudience } from './application/event-audience.js';
import { EventFeedService } from './application/event-feed.service.js';
import { SubscriptionsService } from './application/subscriptions.service.js';
import { UrlGuard } from './application/url-guard.js';
import { WebhookSigner } from './application/webhook-signer.js';
import { EventsController } from './http/events.controller.js';
import { DeliveryGauges } from './infrastructure/delivery.gauges.js';
import { EmailRepository } from './infrastructure/email.repository.js';
import { EventsRepository } from './infrastructure/events.repository.js';
import { EmailQueue, EventStore } from './domain/event-store.port.js';

/**
 * Events: webhook subscriptions, delivery of the outbox (written by other modules' changes in
 * their own transactions, see @shared/events), the pull feed, and e-mail to people. Nothing depends on this module.
 */
@Module({
  imports: [AccessLogModule, CasesModule, OrganisationsModule],
  controllers: [EventsController],
  providers: [
    { provide: EventStore, useClass: EventsRepository },
    UrlGuard,
    WebhookSigner,
    EventAudience,
    SubscriptionsService,
    EventFeedService,
    DeliveryWorker,
    DeliveryGauges,
    { provide: EmailQueue, useClass: EmailRepository },
    EmailNotifier,
  ],
  exports: [],
})
export class EventsModule {}
