export { ExchangeModule } from './exchange.module.js';
export { ExchangeDeadlineWatcher } from './exchange-deadline.watcher.js';
export { EXCHANGE_REQUEST_TYPE } from './domain/request-document.js';
export { EXCHANGE_RESPONSE_TYPE, type ResponseBundle } from './domain/response-bundle.js';
export { EXCHANGE_STATUSES, type ExchangeStatus } from './domain/exchange-request.js';

export { SubmitExchangeRequestCommand } from './commands/submit-exchange-request/submit-exchange-request.command.js';
export {
  URGENCIES,
  MAX_REQUEST_AGE_S,
  IAT_REFUSAL,
  requestJustification,
  unverifiedClaims,
} from './domain/request-document.js';
