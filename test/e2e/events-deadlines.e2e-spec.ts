import { activeAgreement, agreementTerms, daysFromNow } from '../factories/agreement.factory.js';
import { aCase, requestClaims, requestJws, submit } from '../factories/exchange.factory.js';
import { TestGateway } from '../setup/test-app.js';
import { AgreementExpiryWatcher } from '../../src/modules/agreements/index.js';
import { ExchangeDeadlineWatcher } from '../../src/modules/exchange/index.js';

/**
 * The time-driven events: agreement.expiring and .review-due, exchange-request.due-soon and
 * .overdue, raised by the periodic watchers (driven here with a clock of the test's choosing),
 * once per deadline however many passes and instances look; and agreement.signature-requested.
 */
describe('Events raised by deadlines', () => {
  let gw: TestGateway;
  let agreement: string;
  const HOUR = 3_600_000;

  const outbox = async (subject: string) =>
    (
      await gw.sql<{ type: string; parties: string[] }>(
        `SELECT type, parties FROM event_outbox WHERE subject = $1 ORDER BY seq`,
        [subject],
      )
    ).map((r) => `${r.type} ${r.parties.join(',')}`);

  async function request(urgency: 'ROUTINE' | 'URGENT'): Promise<{ id: string; dueBy: Date }> {
    const jws = await requestJws(gw.orgs['police-cleveland'], requestClaims(agreement, { urgency }));
    const r = await submit(gw, jws, { org: gw.orgs['police-cleveland'] });
    expect(r.status).toBe(201);
    return { id: r.body.id as string, dueBy: new Date(r.body.dueBy as string) };
  }

  beforeAll(async () => {
    gw = await TestGateway.start();
    agreement = await activeAgreement(
      gw,
      agreementTerms({ validTo: daysFromNow(20), reviewBy: daysFromNow(2), dataCategories: ['ROSH'] }),
    );
    await aCase(gw, 'X100001');
  }, 60_000);
  afterAll(() => gw.close());

  it('asks the parties that have not signed for a signature when a version starts to await them', async () => {
    const events = await outbox(agreement);
    expect(events).toEqual([
      'agreement.signature-requested police-cleveland',
      'agreement.activated nps-north-east,police-cleveland',
    ]);
  });

  it('raises agreement.expiring within 30 days of validTo and review-due once reviewBy has passed, once each', async () => {
    const watcher = gw.app.get(AgreementExpiryWatcher);
    expect(await watcher.remind(new Date(Date.now() - 11 * 24 * HOUR))).toBe(0);
    expect(await watcher.remind(new Date())).toBe(1);
    // Three instances' passes at once, after the review date: one review-due between them.
    const later = new Date(Date.now() + 3 * 24 * HOUR);
    const raised = await Promise.all([watcher.remind(later), watcher.remind(later), watcher.remind(later)]);
    expect(raised.reduce((a, b) => a + b, 0)).toBe(1);
    expect(await watcher.remind(later)).toBe(0);
    expect((await outbox(agreement)).slice(2)).toEqual([
      'agreement.expiring nps-north-east,police-cleveland',
      'agreement.review-due nps-north-east,police-cleveland',
    ]);
  });

  it('raises exchange-request.due-soon (URGENT 4 h, ROUTINE one working day before) and .overdue, once each', async () => {
    const watcher = gw.app.get(ExchangeDeadlineWatcher);
    const urgent = await request('URGENT');
    const routine = await request('ROUTINE');
    expect(await watcher.sweep(new Date(urgent.dueBy.getTime() - 4 * HOUR - 1000))).toBe(0);
    const soon = new Date(urgent.dueBy.getTime() - 4 * HOUR + 1000);
    expect((await Promise.all([watcher.sweep(soon), watcher.sweep(soon)])).reduce((a, b) => a + b, 0)).toBe(1);
    expect(await outbox(urgent.id)).toEqual([
      'exchange-request.received police-cleveland,nps-north-east',
      'exchange-request.due-soon police-cleveland,nps-north-east',
    ]);
    // ROUTINE: nothing two working days out, due soon within the last working day, then overdue.
    const routineDay = routine.dueBy.getUTCDay();
    const back = routineDay === 1 ? 3 : 1; // due on a Monday: the Friday before
    expect(await watcher.sweep(new Date(routine.dueBy.getTime() - back * 24 * HOUR - 1000))).toBe(1); // urgent overdue
    expect(await watcher.sweep(new Date(routine.dueBy.getTime() - back * 24 * HOUR + 1000))).toBe(1);
    const after = new Date(routine.dueBy.getTime() + 1000);
    expect(await watcher.sweep(after)).toBe(1);
    expect(await watcher.sweep(after)).toBe(0);
    expect(await outbox(routine.id)).toEqual([
      'exchange-request.received police-cleveland,nps-north-east',
      'exchange-request.due-soon police-cleveland,nps-north-east',
      'exchange-request.overdue police-cleveland,nps-north-east',
    ]);
    expect((await outbox(urgent.id)).at(-1)).toBe('exchange-request.overdue police-cleveland,nps-north-east');
  });

  it('raises nothing for a request no longer open', async () => {
    const r = await request('URGENT');
    const decided = await gw.call(
      'POST',
      `/exchange-requests/${r.id}/decision`,
      { org: gw.orgs['nps-north-east'], roles: ['data-owner'], sub: 'user:nps-do-1' },
      { decision: 'REFUSE', reason: 'Not needed for the stated purpose' },
    );
    expect(decided.status).toBe(200);
    expect(await gw.app.get(ExchangeDeadlineWatcher).sweep(new Date(r.dueBy.getTime() + HOUR))).toBe(0);
  });
});
