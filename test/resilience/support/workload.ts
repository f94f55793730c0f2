import { randomUUID } from 'node:crypto';
import { send, type Reply } from './http.js';
import type { DedicatedPostgres } from './postgres.js';
import { sleep } from './mode.js';
import type { Actor, DemoSigner } from './signer.js';

export const IOM_AGREEMENT_ID = '5d5a0001-0000-4000-8000-000000000001';
export const IOM_OFFICER: Actor = {
  org: 'police-cleveland',
  roles: ['iom-officer'],
  attrs: { force: 'cleveland' },
  reason: 'IOM tasking: weekly review of cohort',
  sub: 'user:cleveland-iom-1',
};
export const offenderManager = (org: string): Actor => ({
  org,
  roles: ['offender-manager'],
  reason: 'Supervision: risk review before appointment',
  sub: `user:${org}-om-1`,
});

/** What one request was and what came back, kept for the consistency check. */
export interface Outcome {
  kind: 'summary' | 'exchange' | 'case' | 'assessment' | 'decision';
  target: string;
  actor: Actor;
  crn: string;
  jti: string;
  status: number;
  /** The parsed JSON body, when there was one. */
  body: Record<string, unknown> | undefined;
  contentType: string;
  ms: number;
  error?: string;
}

export interface DemoData {
  /** Cleveland IOM cohort cases an IOM officer may read (IOM agreement). */
  iomCrns: { crn: string; managingOrg: string }[];
  /** Cases by managing organisation, for their offender managers. */
  omCases: { crn: string; managingOrg: string }[];
  /** Cases of the IOM agreement's providers outside Cleveland's cohort: an exchange request for one waits for a data owner. */
  outsideCohort: { crn: string; managingOrg: string }[];
}

/** The demo cases the load reads, straight from the database (the owner sees everything). */
export async function loadDemoData(pg: Pick<DedicatedPostgres, 'sql'>): Promise<DemoData> {
  const iomCrns = await pg.sql<{ crn: string; managingOrg: string }>(
    `SELECT crn, managing_org AS "managingOrg" FROM cases WHERE iom_cohort AND iom_force = 'cleveland' AND NOT restricted AND managing_org IN ('nps-north-east', 'crc-durham-tees-valley') ORDER BY crn`,
  );
  const omCases = await pg.sql<{ crn: string; managingOrg: string }>(
    `SELECT crn, managing_org AS "managingOrg" FROM cases ORDER BY crn`,
  );
  const outsideCohort = await pg.sql<{ crn: string; managingOrg: string }>(
    `SELECT crn, managing_org AS "managingOrg" FROM cases WHERE NOT (iom_cohort AND iom_force = 'cleveland') AND NOT restricted AND managing_org IN ('nps-north-east', 'crc-durham-tees-valley') ORDER BY crn`,
  );
  if (!iomCrns.length || !omCases.length) throw new Error('the demo data set has no cases to read: is DEMO_CASES > 0?');
  return { iomCrns, omCases, outsideCohort };
}

const pick = <T>(xs: T[]): T => xs[Math.floor(Math.random() * xs.length)];

/** One signed summary read: the police IOM officer on its cohort, or an offender manager on its own case. */
export async function summaryRead(
  signer: DemoSigner,
  target: string,
  data: DemoData,
  iomShare = 0.6,
): Promise<Outcome> {
  const iom = Math.random() < iomShare;
  const c = iom ? pick(data.iomCrns) : pick(data.omCases);
  const actor = iom ? IOM_OFFICER : offenderManager(c.managingOrg);
  const p = `/cases/${c.crn}/summary?purpose=${iom ? 'IOM' : 'RISK_MANAGEMENT'}`;
  const { token, jti } = await signer.token(actor, 'GET', p);
  const r = await send(target, 'GET', p, { token, timeoutMs: 20_000 });
  return outcome('summary', target, actor, c.crn, jti, r);
}

/**
 * One signed exchange request from police-cleveland to the managing organisation, under the IOM
 * agreement: for a case in Cleveland's IOM cohort (the policies release it at once: FULFILLED),
 * or, with `forDataOwner`, for one outside it (left SUBMITTED for the provider's data owner).
 */
export async function exchangeRequest(
  signer: DemoSigner,
  target: string,
  data: DemoData,
  forDataOwner = false,
): Promise<Outcome> {
  const c = forDataOwner && data.outsideCohort.length ? pick(data.outsideCohort) : pick(data.iomCrns);
  const actor: Actor = { ...IOM_OFFICER, reason: 'IOM panel' };
  const jws = await signer.exchangeRequest('police-cleveland', {
    provider: c.managingOrg,
    crn: c.crn,
    purpose: 'IOM',
    dataCategories: ['ROSH'],
    justification: 'Arrested last night; the IOM panel needs the current risk',
    urgency: 'ROUTINE',
    agreementId: IOM_AGREEMENT_ID,
  });
  const { token, jti } = await signer.token(actor, 'POST', '/exchange-requests', jws);
  const r = await send(target, 'POST', '/exchange-requests', {
    token,
    body: jws,
    contentType: 'application/jose',
    timeoutMs: 20_000,
  });
  return outcome('exchange', target, actor, c.crn, jti, r);
}

/** The managing organisation's system, for the write load. */
export const NPS_SYSTEM: Actor = { org: 'nps-north-east', roles: ['system'], sub: 'system:ndelius' };
/** CRNs the write load creates and updates: none of the demo's, so their whole history is the load's. */
export const WRITE_CRN_PREFIX = 'Z9';
/** Assessment ids of the write load, each used once. */
export const WRITE_ASSESSMENT_PREFIX = 'CC-';

const rosh = { overall: 'MEDIUM', children: 'LOW', public: 'MEDIUM', knownAdult: 'LOW', staff: 'LOW' };

/** A case push (create or update) of one of 40 write-load CRNs, by nps-north-east's system. */
export async function casePush(signer: DemoSigner, target: string): Promise<Outcome> {
  const crn = `${WRITE_CRN_PREFIX}000${String(Math.floor(Math.random() * 40)).padStart(2, '0')}`;
  const body = JSON.stringify({
    person: { givenName: 'Crash', familyName: 'Cycle', dateOfBirth: '1980-01-01' },
    managingOrg: NPS_SYSTEM.org,
    tier: 'B2',
    rosh,
    mappa: null,
    iom: null,
    licenceConditions: ['Reside at approved premises'],
    restricted: false,
  });
  const p = `/cases/${crn}`;
  const { token, jti } = await signer.token(NPS_SYSTEM, 'PUT', p, body);
  return outcome(
    'case',
    target,
    NPS_SYSTEM,
    crn,
    jti,
    await send(target, 'PUT', p, { token, body, timeoutMs: 20_000 }),
  );
}

/** A new assessment (a fresh id) on one of nps-north-east's demo cases. */
export async function assessmentPush(signer: DemoSigner, target: string, data: DemoData): Promise<Outcome> {
  const c = pick(data.omCases.filter((x) => x.managingOrg === NPS_SYSTEM.org));
  const need = { severity: 'SOME', linkedToHarm: false, linkedToReoffending: true };
  const body = JSON.stringify({
    completedAt: new Date(Date.now() - 30 * 86_400_000).toISOString(),
    assessor: 'PO Crash Cycle',
    scores: { ogrs3TwoYear: 40, ogp: 30, ovp: 10, rsr: 1.5 },
    rosh,
    needs: Object.fromEntries(
      [
        'accommodation',
        'educationTrainingEmployability',
        'finance',
        'relationships',
        'lifestyleAssociates',
        'drugMisuse',
        'alcoholMisuse',
        'emotionalWellbeing',
        'thinkingBehaviour',
        'attitudes',
      ].map((k) => [k, need]),
    ),
    riskManagementPlan: { summary: 'Weekly reporting', actions: ['Weekly reporting'] },
  });
  const p = `/cases/${c.crn}/assessments/${WRITE_ASSESSMENT_PREFIX}${randomUUID()}`;
  const { token, jti } = await signer.token(NPS_SYSTEM, 'PUT', p, body);
  return outcome(
    'assessment',
    target,
    NPS_SYSTEM,
    c.crn,
    jti,
    await send(target, 'PUT', p, { token, body, timeoutMs: 20_000 }),
  );
}

/** The provider's data owner approves or refuses a SUBMITTED request. */
export async function decision(
  signer: DemoSigner,
  target: string,
  request: { id: string; provider: string; crn: string },
): Promise<Outcome> {
  const actor: Actor = { org: request.provider, roles: ['data-owner'], sub: `user:${request.provider}-dpo-1` };
  const body = JSON.stringify({
    decision: Math.random() < 0.5 ? 'APPROVE' : 'REFUSE',
    reason: 'Reviewed by the data protection officer',
  });
  const p = `/exchange-requests/${request.id}/decision`;
  const { token, jti } = await signer.token(actor, 'POST', p, body);
  return outcome(
    'decision',
    target,
    actor,
    request.crn,
    jti,
    await send(target, 'POST', p, { token, body, timeoutMs: 20_000 }),
  );
}

function outcome(kind: Outcome['kind'], target: string, actor: Actor, crn: string, jti: string, r: Reply): Outcome {
  return {
    kind,
    target,
    actor,
    crn,
    jti,
    status: r.status,
    body: r.json as Record<string, unknown> | undefined,
    contentType: r.contentType,
    ms: r.ms,
    error: r.error,
  };
}

/**
 * Closed-loop mixed load (summary reads, exchange requests and, with `writeShare`, case pushes
 * and assessments) over one or more gateways until stopped; every outcome is kept. Connection
 * errors (a killed gateway) back off briefly.
 */
export class MixedLoad {
  readonly outcomes: Outcome[] = [];
  /** Requests answered SUBMITTED, for a data owner to decide. */
  private readonly awaiting: { id: string; provider: string; crn: string }[] = [];
  private running = true;
  private readonly workers: Promise<void>[];

  constructor(
    private readonly signer: DemoSigner,
    private readonly targets: () => string[],
    private readonly data: DemoData,
    concurrency: number,
    private readonly exchangeShare = 0.15,
    private readonly writeShare = 0,
  ) {
    this.workers = Array.from({ length: concurrency }, (_, i) => this.worker(i));
  }

  private async worker(i: number): Promise<void> {
    let n = 0;
    while (this.running) {
      const ts = this.targets();
      const target = ts[(i + n++) % ts.length];
      const r = Math.random();
      const o =
        r < this.exchangeShare
          ? await this.exchange(target)
          : r < this.exchangeShare + this.writeShare / 2
            ? await casePush(this.signer, target)
            : r < this.exchangeShare + this.writeShare
              ? await assessmentPush(this.signer, target, this.data)
              : await summaryRead(this.signer, target, this.data);
      this.outcomes.push(o);
      if (o.status === 0 || o.status >= 500) await sleep(20);
    }
  }

  /** With the write load on: half the exchange traffic awaits a data owner, whose decisions are part of it. */
  private async exchange(target: string): Promise<Outcome> {
    if (!this.writeShare) return exchangeRequest(this.signer, target, this.data);
    const waiting = this.awaiting.pop();
    if (waiting && Math.random() < 0.5) return decision(this.signer, target, waiting);
    if (waiting) this.awaiting.push(waiting);
    const o = await exchangeRequest(this.signer, target, this.data, Math.random() < 0.5);
    const provider = this.data.omCases.find((c) => c.crn === o.crn)?.managingOrg;
    if (o.status === 201 && o.body?.status === 'SUBMITTED' && provider)
      this.awaiting.push({ id: String(o.body.id), provider, crn: o.crn });
    return o;
  }

  count(pred: (o: Outcome) => boolean): number {
    return this.outcomes.reduce((n, o) => n + (pred(o) ? 1 : 0), 0);
  }

  async stop(): Promise<void> {
    this.running = false;
    await Promise.all(this.workers);
  }
}

/** Statuses seen, e.g. { "200": 512, "503": 3, "0:ECONNREFUSED": 20 }. */
export function statusCounts(outcomes: Outcome[]): Record<string, number> {
  const m: Record<string, number> = {};
  for (const o of outcomes) {
    const k = o.status === 0 ? `0:${o.error}` : String(o.status);
    m[k] = (m[k] ?? 0) + 1;
  }
  return m;
}
