import { exchangeEvents } from './exchange-events.js';
import type { ExchangeRequest } from '../domain/exchange-request.js';

const request = (status: string) =>
  ({
    id: 'r1',
    status,
    state: { requester: 'police-cleveland', provider: 'nps-north-east' },
  }) as unknown as ExchangeRequest;
const types = (from: string | null, to: string) => exchangeEvents(from as never, request(to)).map((e) => e.type);

describe('exchangeEvents', () => {
  it('names the transition, addressed to both parties, never the CRN', () => {
    expect(types(null, 'SUBMITTED')).toEqual(['exchange-request.received']);
    expect(types(null, 'REFUSED')).toEqual(['exchange-request.received', 'exchange-request.decided']);
    expect(types('SUBMITTED', 'APPROVED')).toEqual(['exchange-request.decided']);
    expect(types('SUBMITTED', 'FULFILLED')).toEqual(['exchange-request.decided', 'exchange-request.fulfilled']);
    expect(types('APPROVED', 'FULFILLED')).toEqual(['exchange-request.fulfilled']);
    expect(types('APPROVED', 'EXPIRED')).toEqual(['exchange-request.decided']);
    const [e] = exchangeEvents(null, request('SUBMITTED'));
    expect(e).toEqual({
      type: 'exchange-request.received',
      subject: 'r1',
      parties: ['police-cleveland', 'nps-north-east'],
      link: '/exchange-requests/r1',
    });
  });
});
