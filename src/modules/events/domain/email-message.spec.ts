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
    // The data owner's page for the request, not the API route a system calls with a signed token.
    expect(mails[0].body).toContain('https://gateway.example/requests/incoming/5d1e9a2b-0c44-4f7e-9a53-2f7d1c6b8e90');
  });

  it('tells the signatories of the parties a version awaits', () => {
    const mails = emailsFor(
      event({
        type: 'agreement.signature-requested',
        subject: 'a1',
        parties: ['police-cleveland'],
        link: '/agreements/a1',
      }),
      config,
    );
    expect(mails.map((m) => m.recipient)).toEqual(['dsa@police.example']);
    expect(mails[0].body).toContain('https://gateway.example/signing/a1');
  });

  it("tells an organisation's IG of a misuse flag raised in its view", () => {
    const config2 = { ...config, contacts: { 'nps-north-east': { ig: ['ig@nps.example'] } } };
    const mails = emailsFor(
      event({
        type: 'misuse-flag.raised',
        subject: 'nps-north-east/break_glass:12',
        parties: ['nps-north-east'],
        link: '/ig/#/flags',
      }),
      config2,
    );
    expect(mails).toEqual([
      expect.objectContaining({
        recipient: 'ig@nps.example',
        subject: '[Probation gateway] Misuse flag raised: nps-north-east/break_glass:12',
      }),
    ]);
    expect(mails[0].body).toContain('https://gateway.example/ig/#/flags');
  });

  it('also tells a person the event names in an organisation it is for, where their address is known', () => {
    const withPeople = {
      ...config,
      contacts: {
        ...config.contacts,
        'police-cleveland': { signatory: ['dsa@police.example'], people: { 'user:pc-sig-1': 'pat@police.example' } },
        'nps-north-east': { people: { 'user:nps-sig-1': 'sam@nps.example' } },
      },
    };
    const mails = emailsFor(
      event({
        type: 'agreement.signature-requested',
        parties: ['police-cleveland'],
        people: ['police-cleveland/user:pc-sig-1', 'police-cleveland/user:unknown', 'nps-north-east/user:nps-sig-1'],
      }),
      withPeople,
    );
    // Not the NPS person: the event is not for their organisation.
    expect(mails.map((m) => m.recipient)).toEqual(['dsa@police.example', 'pat@police.example']);
  });

  it('mails nothing for an event type nobody is told of by e-mail, or an organisation with no contacts', () => {
    expect(emailsFor(event({ type: 'exchange-request.decided' }), config)).toEqual([]);
    expect(emailsFor(event({ parties: ['police-cleveland', 'crc-northumbria'] }), config)).toEqual([]);
  });
});
