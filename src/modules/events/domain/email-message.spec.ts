import { emailsFor } from './email-message.js';
import type { StoredEvent } from './event-envelope.js';

const event = (over: Partial<StoredEvent>): StoredEvent => ({
  seq: '7',
  id: '0b6c7a52-3a4f-4a57-9d0f-4a0f7b1d2e3c',
  type: 'exchange-request.received',
  subject: '5d1e9a2b-0c44-4f7e-9a53-2f7d1c6b8e90',
  crn: null,
  parties: ['police-cleveland', 'nps-north-east'],
  link: '/exchange-requests/5d1e9a2b-0c44-4f7e-9a53-2f7d1c6b8e90',
  occurredAt: new Date('2026-12-05T08:00:00Z'),
  ...over,
});
const config = {
  linkBase: 'https://gateway.example',
  contacts: {
    'nps-north-east': { 'data-owner': ['dpo@nps.example', 'dpo2@nps.example'], signatory: ['dsa@nps.example'] },
    'police-cleveland': { 'data-owner': ['dpo@police.example'], signatory: ['dsa@police.example'] },
  },
};

describe(emailsFor.name, () => {
  it("tells the provider's data owners of a request, with a link and no other party's address", () => {
    const mails = emailsFor(event({}), config);
    expect(mails.map((m) => m.recipient)).toEqual(['dpo@nps.example', 'dpo2@nps.example']);
    expect(mails[0].body).toContain('https://gateway.example/exchange-requests/5d1e9a2b-0c44-4f7e-9a53-2f7d1c6b8e90');
  });

  it('tells the signatories of the parties a version awaits', () => {
    const mails = emailsFor(
      event({ type: 'agreement.signature-requested', parties: ['police-cleveland'], link: '/agreements/a1' }),
      config,
    );
    expect(mails.map((m) => m.recipient)).toEqual(['dsa@police.example']);
  });

  it('mails nothing for an event type nobody is told of by e-mail, or an organisation with no contacts', () => {
    expect(emailsFor(event({ type: 'exchange-request.decided' }), config)).toEqual([]);
    expect(emailsFor(event({ parties: ['police-cleveland', 'crc-northumbria'] }), config)).toEqual([]);
  });
});
