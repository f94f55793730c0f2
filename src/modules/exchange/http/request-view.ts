import type { OrganisationDirectory } from '@modules/organisations/index.js';
import type { ExchangeRequestResponse } from '../queries/exchange-request.response.js';
import { CATEGORY_WORDS, PURPOSE_WORDS, ukTime } from '@shared/domain/plain-words.js';
import type { Purpose } from '@shared/domain/vocabulary.js';
import { STATUS_TAGS, timeLeft, words } from './plain-words.js';

/** An exchange request as the pages show it: names, words and dates instead of codes. */
export interface RequestView {
  id: string;
  crn: string;
  requester: string;
  provider: string;
  purpose: string;
  categories: string[];
  justification: string;
  urgent: boolean;
  status: { text: string; classes: string };
  statusCode: string;
  reason: string | null;
  open: boolean;
  submittedAt: { iso: string; text: string };
  submittedBy: string;
  dueBy: { iso: string; text: string };
  timeLeft: { text: string; overdue: boolean };
  decidedAt: { iso: string; text: string } | null;
  decidedBy: string | null;
  agreementId: string;
  agreementVersion: number | null;
  releaseLogIndex: number | null;
}

/** Organisation names by id, read once per page. */
export async function namesOf(directory: OrganisationDirectory, ids: Iterable<string>): Promise<Map<string, string>> {
  const out = new Map<string, string>();
  for (const id of new Set(ids)) out.set(id, (await directory.get(id))?.name ?? id);
  return out;
}

export function requestView(r: ExchangeRequestResponse, names: Map<string, string>, now: Date): RequestView {
  const open = r.status === 'SUBMITTED' || r.status === 'APPROVED';
  return {
    id: r.id,
    crn: r.crn,
    requester: names.get(r.requester) ?? r.requester,
    provider: names.get(r.provider) ?? r.provider,
    purpose: PURPOSE_WORDS[r.purpose as Purpose]?.text ?? r.purpose,
    categories: r.dataCategories.map((c) => words(CATEGORY_WORDS, c)),
    justification: r.justification,
    urgent: r.urgency === 'URGENT',
    status: STATUS_TAGS[r.status] ?? { text: r.status, classes: 'govuk-tag--grey' },
    statusCode: r.status,
    reason: r.reason,
    open,
    submittedAt: ukTime(r.submittedAt),
    submittedBy: r.submittedBy,
    dueBy: ukTime(r.dueBy),
    timeLeft: timeLeft(new Date(r.dueBy), now),
    decidedAt: r.decidedAt ? ukTime(r.decidedAt) : null,
    decidedBy: r.decidedBy
      ? r.decidedBy.org === 'gateway'
        ? 'The gateway (automatic)'
        : `${r.decidedBy.sub} (${names.get(r.decidedBy.org) ?? r.decidedBy.org})`
      : null,
    agreementId: r.agreementId,
    agreementVersion: r.agreementVersion,
    releaseLogIndex: r.releaseLogIndex,
  };
}
