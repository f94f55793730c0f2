import { backoffMs, toCloudEvent, type StoredEvent } from './event-envelope.js';

const event = (over: Partial<StoredEvent> = {}): StoredEvent => ({
  seq: '7',
  id: '0b6f3f2e-6a49-4d8e-9d3c-3a1f2d4e5f60',
  type: 'case.updated',
  subject: 'X123456',
  crn: 'X123456',
  parties: [],
  link: '/cases/X123456/summary',
  occurredAt: new Date('2026-12-04T10:00:00Z'),
  ...over,
});

describe('toCloudEvent', () => {
  it('carries identifiers and a link only', () => {
    expect(toCloudEvent(event(), 'gw')).toEqual({
      specversion: '1.0',
      id: '0b6f3f2e-6a49-4d8e-9d3c-3a1f2d4e5f60',
      type: 'case.updated',
      source: 'urn:probation-gateway:gw',
      subject: 'X123456',
      time: '2026-12-04T10:00:00.000Z',
      datacontenttype: 'application/json',
      data: { crn: 'X123456', href: '/cases/X123456/summary' },
    });
  });
  it('names an agreement or a request by id', () => {
    expect(
      toCloudEvent(event({ type: 'agreement.suspended', crn: null, subject: 'a1', link: '/agreements/a1' }), 'gw').data,
    ).toEqual({ agreementId: 'a1', href: '/agreements/a1' });
    expect(
      toCloudEvent(
        event({ type: 'exchange-request.received', crn: null, subject: 'r1', link: '/exchange-requests/r1' }),
        'gw',
      ).data,
    ).toEqual({ requestId: 'r1', href: '/exchange-requests/r1' });
  });
});

describe('backoffMs', () => {
  it('doubles per attempt within [half, full] of the delay, and is capped', () => {
    expect(backoffMs(1, 1000, 60_000, () => 0)).toBe(500);
    expect(backoffMs(1, 1000, 60_000, () => 1)).toBe(1000);
    expect(backoffMs(4, 1000, 60_000, () => 0)).toBe(4000);
    expect(backoffMs(4, 1000, 60_000, () => 1)).toBe(8000);
    expect(backoffMs(30, 1000, 60_000, () => 1)).toBe(60_000);
  });
});
