export * from './outbox.js';
export * from './outbox-publisher.js';
