export { EventsModule } from './events.module.js';
export { DeliveryWorker } from './application/delivery.worker.js';
export { EmailNotifier } from './application/email-notifier.js';
export { hmacSignature, signedContent } from './application/webhook-signer.js';
