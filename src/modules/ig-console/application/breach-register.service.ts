import { randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { logActor, type Principal } from '@shared/auth/principal.js';
import { ValidationException } from '@shared/errors/index.js';
import { AccessLogWriter, type AccessLogEntryInput } from '@modules/access-log/index.js';
import { OrganisationDirectory } from '@modules/organisations/index.js';
import {
  breachClock,
  changeBreach,
  current,
  recordBreach,
  type Breach,
  type BreachChange,
  type BreachVersion,
  type NewBreach,
} from '../domain/breach.js';
import { IgConsoleException, IgConsoleExceptionCode } from '../domain/ig-console.exception.js';
import { BreachRepository } from '../domain/breach.repository.port.js';

/** Breaches one list answers at most (the register is kept per organisation; it stays small). */
const LIST_LIMIT = 500;

/** One state of a breach as the register serves it. */
export interface BreachVersionView {
  version: number;
  status: string;
  summary: string;
  severity: string;
  reportable: boolean | null;
  crns: string[];
  agreementIds: string[];
  partnerOrgs: string[];
  icoReportedAt: string | null;
  icoReference: string | null;
  notReportableReason: string | null;
  note: string | null;
  recordedAt: string;
  recordedBy: string;
}

/** A breach as the register serves it: its current state, its clock and its history. */
export interface BreachView extends BreachVersionView {
  id: string;
  org: string;
  discoveredAt: string;
  occurredAt: string | null;
  /** Discovery plus 72 hours. */
  icoDeadline: string;
  overdue: boolean;
  reportedLate: boolean;
  /** Whole minutes left to the deadline while the clock runs; null when it does not. */
  minutesLeft: number | null;
  createdAt: string;
  createdBy: string;
  /** Every version, oldest first (the last is the current state above). */
  history: BreachVersionView[];
}

/**
 * The breach register of an organisation's IG. Each organisation sees and changes only its own
 * breaches: another's answers exactly as an id that does not exist. Every read and change is
 * an access-log entry; a change and its entry's intent commit in one transaction.
 */
@Injectable()
export class BreachRegisterService {
  constructor(
    private readonly store: BreachRepository,
    private readonly writer: AccessLogWriter,
    private readonly orgs: OrganisationDirectory,
  ) {}

  async record(p: Principal, input: NewBreach, now = new Date()): Promise<BreachView> {
    await this.checkPartners(input.partnerOrgs);
    const { first, ...rest } = recordBreach(input, p.sub, now);
    const breach: Breach = { id: randomUUID(), org: p.org, ...rest, versions: [first] };
    const intent = await this.store.transaction(async (tx) => {
      await this.store.insert(tx, breach);
      return this.writer.enqueue(tx, entry(p, 'ig.breach.record', breach.id, first));
    });
    await this.writer.integrate(intent);
    return breachView(breach, now);
  }

  async change(p: Principal, id: string, change: BreachChange, now = new Date()): Promise<BreachView> {
    if (change.partnerOrgs) await this.checkPartners(change.partnerOrgs);
    const { breach, intent } = await this.store.transaction(async (tx) => {
      const b = await this.store.get(p.org, id, tx);
      if (!b) throw notFound();
      const next = changeBreach(b, change, p.sub, now);
      await this.store.addVersion(tx, b.id, next);
      const log = await this.writer.enqueue(tx, { ...entry(p, 'ig.breach.change', b.id, next), reason: change.note });
      return { breach: { ...b, versions: [...b.versions, next] }, intent: log };
    });
    await this.writer.integrate(intent);
    return breachView(breach, now);
  }

  async get(p: Principal, id: string, now = new Date()): Promise<BreachView> {
    const b = await this.store.get(p.org, id);
    if (!b) throw notFound();
    await this.writer.append(entry(p, 'ig.breach.read', b.id, current(b)));
    return breachView(b, now);
  }

  async list(p: Principal, now = new Date()): Promise<{ breaches: BreachView[] }> {
    const breaches = await this.store.list(p.org, LIST_LIMIT);
    await this.writer.append({
      ...entry(p, 'ig.breach.list', p.org, null),
      resource: { type: 'breach-register', id: p.org },
      reasons: [`breaches:${breaches.length}`],
    });
    return { breaches: breaches.map((b) => breachView(b, now)) };
  }

  /** Partners are named by organisation id: each must be one the gateway knows (the registry is public). */
  private async checkPartners(orgs: readonly string[]): Promise<void> {
    const errors = [];
    for (const [i, org] of orgs.entries())
      if (!(await this.orgs.get(org)))
        errors.push({ field: `partnerOrgs[${i}]`, message: `"${org}" is not an organisation of the gateway` });
    if (errors.length) throw new ValidationException(errors, 'The request names an unknown partner organisation.');
  }
}

function notFound(): IgConsoleException {
  return new IgConsoleException(
    IgConsoleExceptionCode.BreachNotFound,
    "There is no such breach in your organisation's register.",
  );
}

/** The entry of a read or change: the breach's id and state, never its summary or the CRNs it names. */
function entry(p: Principal, action: string, id: string, v: BreachVersion | null): AccessLogEntryInput {
  return {
    actor: logActor(p),
    action,
    resource: { type: 'breach', id },
    reason: p.reason ?? null,
    decision: 'ALLOW',
    reasons: v ? [`version:${v.version}`, `status:${v.status}`, `severity:${v.severity}`] : [],
    recipientOrg: p.org,
    ownerOrg: p.org,
    requestId: p.requestId,
  };
}

function versionView(v: BreachVersion): BreachVersionView {
  return {
    version: v.version,
    status: v.status,
    summary: v.summary,
    severity: v.severity,
    reportable: v.reportable,
    crns: [...v.crns],
    agreementIds: [...v.agreementIds],
    partnerOrgs: [...v.partnerOrgs],
    icoReportedAt: v.icoReportedAt?.toISOString() ?? null,
    icoReference: v.icoReference,
    notReportableReason: v.notReportableReason,
    note: v.note,
    recordedAt: v.recordedAt.toISOString(),
    recordedBy: v.recordedBy,
  };
}

export function breachView(b: Breach, now: Date): BreachView {
  const clock = breachClock(b, now);
  return {
    id: b.id,
    org: b.org,
    discoveredAt: b.discoveredAt.toISOString(),
    occurredAt: b.occurredAt?.toISOString() ?? null,
    icoDeadline: b.icoDeadline.toISOString(),
    overdue: clock.overdue,
    reportedLate: clock.reportedLate,
    minutesLeft: clock.msLeft === null ? null : Math.floor(clock.msLeft / 60_000),
    createdAt: b.createdAt.toISOString(),
    createdBy: b.createdBy,
    ...versionView(current(b)),
    history: b.versions.map(versionView),
  };
}
