import type { EmailAudience, EmailConfig } from '@config/events.config.js';
import type { EventType } from '@shared/events/index.js';
import type { StoredEvent } from './event-envelope.js';

/** One message to one address. Identifiers and a link only: never case content, never a CRN. */
export interface EmailMessage {
  recipient: string;
  subject: string;
  body: string;
}

/**
 * Which events are mailed, to whom (the parties' data owners, signatories or IG), what they say,
 * and the page a person opens from the message. An event's own `link` is the API route a partner
 * system calls with a signed token; a person in a browser needs the page for it instead.
 */
const MAILED: Partial<
  Record<
    EventType,
    {
      audience: EmailAudience;
      to: (e: StoredEvent) => string[];
      subject: string;
      what: string;
      page?: (e: StoredEvent) => string;
    }
  >
> = {
  // Exchange events name [requester, provider]: the provider's data owner decides.
  'exchange-request.received': {
    audience: 'data-owner',
    to: (e) => e.parties.slice(1, 2),
    subject: 'Exchange request received',
    what: 'A record-exchange request for your organisation has arrived and awaits a decision.',
    page: (e) => `/requests/incoming/${encodeURIComponent(e.subject)}`,
  },
  'exchange-request.due-soon': {
    audience: 'data-owner',
    to: (e) => e.parties.slice(1, 2),
    subject: 'Exchange request due soon',
    what: 'A record-exchange request for your organisation is close to its deadline and has not been answered.',
    page: (e) => `/requests/incoming/${encodeURIComponent(e.subject)}`,
  },
  // Addressed to the parties that have not signed the version yet.
  'agreement.signature-requested': {
    audience: 'signatory',
    to: (e) => e.parties,
    subject: 'Agreement awaiting your signature',
    what: 'A version of a data-sharing agreement your organisation is party to awaits its signature.',
    page: (e) => `/signing/${encodeURIComponent(e.subject)}`,
  },
  'misuse-flag.raised': {
    audience: 'ig',
    to: (e) => e.parties,
    subject: 'Misuse flag raised',
    what: "The access log shows activity that the misuse rules flag for your organisation's review.",
  },
  'breach.ico-deadline-near': {
    audience: 'ig',
    to: (e) => e.parties,
    subject: 'ICO deadline near for a personal data breach',
    what: "A personal data breach in your organisation's register is still open and its 72 hours for reporting to the ICO are nearly up. Report it, or record why it is not reportable.",
  },
  'breach.ico-overdue': {
    audience: 'ig',
    to: (e) => e.parties,
    subject: 'ICO deadline passed for a personal data breach',
    what: "A personal data breach in your organisation's register is still open and its 72 hours for reporting to the ICO have passed. A late report must give the reasons for the delay.",
  },
};

export const MAILED_TYPES = Object.keys(MAILED) as EventType[];

/**
 * The messages an event gives rise to under the configured contacts: one per address of each
 * organisation it is for and of each person it names there, none when the event is not mailed
 * or nobody is configured.
 */
export function emailsFor(e: StoredEvent, config: Pick<EmailConfig, 'contacts' | 'linkBase'>): EmailMessage[] {
  const m = MAILED[e.type];
  if (!m) return [];
  const link = `${config.linkBase}${m.page?.(e) ?? e.link}`;
  const orgs = m.to(e);
  const recipients = new Set(orgs.flatMap((org) => config.contacts[org]?.[m.audience] ?? []));
  // Persons the event names, in an organisation it is for, whose own address is configured.
  for (const person of e.people ?? []) {
    const cut = person.indexOf('/');
    const org = person.slice(0, cut);
    const address = orgs.includes(org) ? config.contacts[org]?.people?.[person.slice(cut + 1)] : undefined;
    if (address) recipients.add(address);
  }
  return [...recipients].map((recipient) => ({
    recipient,
    subject: `[Probation gateway] ${m.subject}: ${e.subject}`,
    body: [
      m.what,
      '',
      `Open it in the gateway (you will be asked to sign in): ${link}`,
      '',
      `Reference: ${e.type} ${e.subject}, event ${e.id}, ${e.occurredAt.toISOString()}.`,
      'This message holds no case details. Do not reply to it.',
    ].join('\n'),
  }));
}
