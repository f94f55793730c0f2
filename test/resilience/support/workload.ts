import { send, type Reply } from './http.js';
import type { DedicatedPostgres } from './postgres.js';
import { sleep } from './mode.js';
import type { Actor, DemoSigner } from './signer.js';

export const IOM_AGREEMENT_ID = '5d5a0001-0000-4000-8000-000000000001';
export const IOM_OFFICER: Actor = { org: 'police-cleveland', roles: ['iom-officer'], attrs: { force: 'cleveland' }, reason: 'IOM tasking: weekly review of cohort', sub: 'user:cleveland-iom-1' };
export const offenderManager = (org: string): Actor => ({ org, roles: ['offender-manager'], reason: 'Supervision: risk review before appointment', sub: `user:${org}-om-1` });

/** What one request was and what came back, kept for the consistency check. */
export interface Outcome {
  kind: 'summary' | 'exchange';
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
}

/** The demo cases the load reads, straight from the database (the owner sees everything). */
export async function loadDemoData(pg: DedicatedPostgres): Promise<DemoData> {
  const iomCrns = await pg.sql<{ crn: string; managingOrg: string }>(
    `SELECT crn, managing_org AS "managingOrg" FROM cases WHERE iom_cohort AND iom_force = 'cleveland' AND NOT restricted AND managing_org IN ('nps-north-east', 'crc-durham-tees-valley') ORDER BY crn`,
  );
  const omCases = await pg.sql<{ crn: string; managingOrg: string }>(`SELECT crn, managing_org AS "managingOrg" FROM cases ORDER BY crn`);
  if (!iomCrns.length || !omCases.length) throw new Error('the demo data set has no cases to read: is DEMO_CASES > 0?');
  return { iomCrns, omCases };
}

const pick = <T>(xs: T[]): T => xs[Math.floor(Math.random() * xs.length)];

/** One signed summary read: the police IOM officer on its cohort, or an offender manager on its own case. */
export async function summaryRead(signer: DemoSigner, target: string, data: DemoData, iomShare = 0.6): Promise<Outcome> {
  const iom = Math.random() < iomShare;
  const c = iom ? pick(data.iomCrns) : pick(data.omCases);
  const actor = iom ? IOM_OFFICER : offenderManager(c.managingOrg);
  const p = `/cases/${c.crn}/summary?purpose=${iom ? 'IOM' : 'RISK_MANAGEMENT'}`;
  const { token, jti } = await signer.token(actor, 'GET', p);
  const r = await send(target, 'GET', p, { token, timeoutMs: 20_000 });
  return outcome('summary', target, actor, c.crn, jti, r);
}

/** One signed exchange request from police-cleveland to the managing organisation, under the IOM agreement. */
export async function exchangeRequest(signer: DemoSigner, target: string, data: DemoData): Promise<Outcome> {
  const c = pick(data.iomCrns);
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
  const r = await send(target, 'POST', '/exchange-requests', { token, body: jws, contentType: 'application/jose', timeoutMs: 20_000 });
  return outcome('exchange', target, actor, c.crn, jti, r);
}

function outcome(kind: Outcome['kind'], target: string, actor: Actor, crn: string, jti: string, r: Reply): Outcome {
  return { kind, target, actor, crn, jti, status: r.status, body: r.json as Record<string, unknown> | undefined, contentType: r.contentType, ms: r.ms, error: r.error };
}

/**
 * Closed-loop mixed load (summary reads and exchange requests) over one or more gateways until
 * stopped; every outcome is kept. Connection errors (a killed gateway) back off briefly.
 */
export class MixedLoad {
  readonly outcomes: Outcome[] = [];
  private running = true;
  private readonly workers: Promise<void>[];

  constructor(
    private readonly signer: DemoSigner,
    private readonly targets: () => string[],
    private readonly data: DemoData,
    concurrency: number,
    private readonly exchangeShare = 0.15,
  ) {
    this.workers = Array.from({ length: concurrency }, (_, i) => this.worker(i));
  }

  private async worker(i: number): Promise<void> {
    let n = 0;
    while (this.running) {
      const ts = this.targets();
      const target = ts[(i + n++) % ts.length];
      const o = Math.random() < this.exchangeShare ? await exchangeRequest(this.signer, target, this.data) : await summaryRead(this.signer, target, this.data);
      this.outcomes.push(o);
      if (o.status === 0 || o.status >= 500) await sleep(20);
    }
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
