import type { StartedProcess } from '../../bench/lib/spawn.js';
import { DEMO_ORGANISATIONS } from '../../src/demo/demo-organisations.js';
import { GatewaySigner } from '../../src/shared/crypto/gateway-signer.js';
import { exchangeLogEntries } from '../factories/exchange.factory.js';
import { TestGateway } from '../setup/test-app.js';
import { aCase, askNps, demoSub, iomAgreement, nameDemoOrganisations } from '../support/exchange-requests.js';
import { Browser, formTokenIn, signInThroughIdp, startDemoIdp } from '../support/people.js';

const UNKNOWN = '00000000-0000-4000-8000-000000000000';

/** The text of a page without its tags and with runs of white space as one space. */
const textOf = (html: string) =>
  html
    .replace(/<[^>]+>/g, ' ')
    .replace(/&#39;/g, "'")
    .replace(/\s+/g, ' ');

describe('Pages for data owners (/requests/incoming) and officers (/requests)', () => {
  let gw: TestGateway;
  let idp: StartedProcess;
  let base: string;
  const ids = { routine: '', urgent: '', later: '', colleague: '' };
  const dataOwner = new Browser();
  const otherDataOwner = new Browser();
  const officer = new Browser();
  const otherOfficer = new Browser();
  const npsSystem = () => ({ org: gw.orgs['nps-north-east'], roles: ['data-owner'], sub: 'user:api-do' });
  const statusOf = async (id: string) =>
    (await gw.call('GET', `/exchange-requests/${id}`, npsSystem())).body as { status: string; reason: string | null };

  beforeAll(async () => {
    gw = await TestGateway.start({ orgs: DEMO_ORGANISATIONS });
    await gw.app.listen(0, '127.0.0.1');
    base = `http://127.0.0.1:${(gw.app.getHttpServer().address() as { port: number }).port}`;
    ({ process: idp } = await startDemoIdp(gw, base));
    await nameDemoOrganisations(gw);
    const agreement = await iomAgreement(gw);
    for (const crn of ['X200001', 'X200002', 'X200003', 'X200004']) await aCase(gw, crn);
    ids.routine = await askNps(gw, agreement, { crn: 'X200001', dataCategories: ['ROSH', 'NEEDS'] });
    ids.urgent = await askNps(gw, agreement, { crn: 'X200002', dataCategories: ['ROSH'], urgency: 'URGENT' });
    ids.later = await askNps(gw, agreement, { crn: 'X200003', dataCategories: ['IDENTITY'] });
    ids.colleague = await askNps(gw, agreement, { crn: 'X200004', dataCategories: ['ROSH'], sub: 'user:pc-999' });
    await signInThroughIdp(dataOwner, base, 'nps-north-east', 'data-owner@nps-north-east');
    await signInThroughIdp(otherDataOwner, base, 'crc-durham-tees-valley', 'data-owner@crc-durham-tees-valley');
    await signInThroughIdp(officer, base, 'police-cleveland', 'iom-officer@police-cleveland');
    await signInThroughIdp(otherOfficer, base, 'police-durham', 'iom-officer@police-durham');
  });
  afterAll(async () => {
    await idp?.stop();
    await gw?.close();
  });

  it('the queue lists URGENT first, then by time left, with the requester name, purpose, categories in words and the CRN unbroken', async () => {
    const res = await dataOwner.get(`${base}/requests/incoming`);
    expect(res.status).toBe(200);
    expect(res.headers.get('cache-control')).toBe('no-store');
    expect(res.headers.get('content-security-policy')).toContain("script-src 'self'");
    const html = await res.text();
    const order = ['X200002', 'X200001', 'X200003', 'X200004'].map((crn) => html.indexOf(`>${crn}</span>`));
    expect(order.every((at) => at > 0)).toBe(true);
    expect([...order].sort((a, b) => a - b)).toEqual(order);
    const text = textOf(html);
    expect(text).toContain('Cleveland Police asks about X200002');
    expect(text).toContain('Integrated Offender Management (IOM)');
    expect(text).toContain('Risk of serious harm (RoSH)');
    expect(text).toContain('Identity (name, date of birth, PNC number)');
    expect(text).toMatch(/Urgent Cleveland Police asks about X200002/);
    // URGENT: due within 24 hours; ROUTINE: 10 working days, which is 12 calendar days from a
    // Sunday and 14 from a weekday, less the seconds since the request was made.
    expect(text).toMatch(/X200002 .*?Time left 23 hours 5\d minutes left/);
    expect(text).toMatch(/X200001 .*?Time left 1[1-3] days( \d+ hours?)? left/);
    expect(html).toContain(`href="/requests/incoming/${ids.urgent}"`);
  });

  it('asks people who are not signed in to sign in, and refuses people without the data-owner role', async () => {
    const anonymous = await new Browser().get(`${base}/requests/incoming`);
    expect(anonymous.status).toBe(303);
    // Named as next, so signing in lands on the page (a link from an e-mail, say).
    expect(anonymous.headers.get('location')).toBe('/sign-in?next=%2Frequests%2Fincoming');
    const linked = await new Browser().get(`${base}/requests/incoming/${ids.routine}`);
    expect(linked.headers.get('location')).toBe(
      `/sign-in?next=${encodeURIComponent(`/requests/incoming/${ids.routine}`)}`,
    );
    const choose = await new Browser().get(`${base}${linked.headers.get('location')}`);
    expect(await choose.text()).toContain(`next=${encodeURIComponent(`/requests/incoming/${ids.routine}`)}`);
    for (const url of ['/requests/incoming', `/requests/incoming/${ids.routine}`]) {
      const res = await officer.get(base + url);
      expect(res.status).toBe(403);
      expect(await res.text()).not.toContain('X200001');
    }
    expect((await dataOwner.get(`${base}/requests`)).status).toBe(403);
  });

  it('shows what approving would release (field names only) before the decision, and logs no read for it', async () => {
    const before = (await exchangeLogEntries(gw, ids.routine)).length;
    const res = await dataOwner.get(`${base}/requests/incoming/${ids.routine}`);
    expect(res.status).toBe(200);
    const html = await res.text();
    const released = /<ul class="govuk-list govuk-list--bullet" id="released-fields">([\s\S]*?)<\/ul>/.exec(html)![1];
    expect(textOf(released)).toContain('Risk of serious harm levels');
    expect(textOf(released)).toContain('Criminogenic needs');
    expect(textOf(released)).not.toContain('Given name');
    expect(textOf(html)).toContain('Offender arrested last night');
    // The case's values are not on the page: a data owner has no read of case data.
    expect(html).not.toContain('practitioner note');
    expect(html).not.toContain('Alex');
    expect(html).toContain('name="formToken"');
    expect((await exchangeLogEntries(gw, ids.routine)).length).toBe(before);
  });

  it('refuses a decision without a reason or a choice with an error summary naming the field, and changes nothing', async () => {
    const page = await (await dataOwner.get(`${base}/requests/incoming/${ids.routine}`)).text();
    const formToken = formTokenIn(page);
    const before = (await exchangeLogEntries(gw, ids.routine)).length;

    const noReason = await dataOwner.post(`${base}/requests/incoming/${ids.routine}`, {
      formToken,
      decision: 'APPROVE',
      reason: '   ',
    });
    expect(noReason.status).toBe(400);
    const html = await noReason.text();
    expect(html).toContain('govuk-error-summary');
    expect(html).toContain('href="#reason"');
    expect(html).toContain('Enter the reason for your decision');
    expect(html).toMatch(/<title>Error: /);
    // The choice made is kept.
    expect(html).toMatch(/value="APPROVE" checked/);

    const noChoice = await dataOwner.post(`${base}/requests/incoming/${ids.routine}`, { formToken, reason: 'ok' });
    expect(noChoice.status).toBe(400);
    expect(await noChoice.text()).toContain('href="#decision"');

    const forged = await dataOwner.post(`${base}/requests/incoming/${ids.routine}`, {
      formToken: 'forged',
      decision: 'APPROVE',
      reason: 'ok',
    });
    expect(forged.status).toBe(400);

    expect(await statusOf(ids.routine)).toMatchObject({ status: 'SUBMITTED', reason: null });
    expect((await exchangeLogEntries(gw, ids.routine)).length).toBe(before);
  });

  it("another organisation's data owner sees nothing of it: the same page as an unknown id, and cannot decide it", async () => {
    const unknown = await otherDataOwner.get(`${base}/requests/incoming/${UNKNOWN}`);
    const theirs = await otherDataOwner.get(`${base}/requests/incoming/${ids.routine}`);
    expect(unknown.status).toBe(404);
    expect(theirs.status).toBe(404);
    expect(await theirs.text()).toBe(await unknown.text());
    expect((await otherDataOwner.get(`${base}/requests/incoming/not-an-id`)).status).toBe(404);
    const queue = await (await otherDataOwner.get(`${base}/requests/incoming`)).text();
    expect(queue).not.toContain('X2000');
    const formToken = formTokenIn(await (await otherDataOwner.get(`${base}/account`)).text());
    const posted = await otherDataOwner.post(`${base}/requests/incoming/${ids.routine}`, {
      formToken,
      decision: 'APPROVE',
      reason: 'not mine to decide',
    });
    expect(posted.status).toBe(404);
    expect(await statusOf(ids.routine)).toMatchObject({ status: 'SUBMITTED' });
  });

  it('refuses with a reason through the decision command, then shows the queue with a banner', async () => {
    const formToken = formTokenIn(await (await dataOwner.get(`${base}/requests/incoming/${ids.later}`)).text());
    const posted = await dataOwner.post(`${base}/requests/incoming/${ids.later}`, {
      formToken,
      decision: 'REFUSE',
      reason: 'Identity is not needed for IOM tasking',
    });
    expect(posted.status).toBe(303);
    expect(posted.headers.get('location')).toBe(`/requests/incoming?decided=${ids.later}`);
    const queue = await (await dataOwner.get(base + posted.headers.get('location')!)).text();
    expect(queue).toContain('govuk-notification-banner--success');
    expect(textOf(queue)).toContain('You refused the request about X200003');
    expect(queue).not.toContain(`href="/requests/incoming/${ids.later}"`);
    expect(await statusOf(ids.later)).toMatchObject({
      status: 'REFUSED',
      reason: 'Identity is not needed for IOM tasking',
    });
    const decided = (await exchangeLogEntries(gw, ids.later)).filter((e) => e.action === 'exchange.decide');
    expect(decided).toHaveLength(1);
    expect(decided[0]).toMatchObject({
      decision: 'DENY',
      reason: 'Identity is not needed for IOM tasking',
      actor: { org: 'nps-north-east', sub: demoSub('data-owner', 'nps-north-east'), idp: expect.any(String) },
    });
  });

  it('approves with a reason: the release happens as the API makes it, and the queue says so', async () => {
    const formToken = formTokenIn(await (await dataOwner.get(`${base}/requests/incoming/${ids.routine}`)).text());
    const posted = await dataOwner.post(`${base}/requests/incoming/${ids.routine}`, {
      formToken,
      decision: 'APPROVE',
      reason: 'Proportionate for IOM tasking',
    });
    expect(posted.status).toBe(303);
    const queue = await (await dataOwner.get(base + posted.headers.get('location')!)).text();
    expect(textOf(queue)).toContain('You approved the request about X200001');
    expect(await statusOf(ids.routine)).toMatchObject({ status: 'FULFILLED', reason: 'Proportionate for IOM tasking' });
    const actions = (await exchangeLogEntries(gw, ids.routine)).map((e) => e.action);
    expect(actions).toEqual(['exchange.submit', 'exchange.decide', 'exchange.release']);
    // Deciding again is refused on the page, naming the field, and changes nothing.
    const again = await dataOwner.post(`${base}/requests/incoming/${ids.routine}`, {
      formToken,
      decision: 'REFUSE',
      reason: 'changed my mind',
    });
    expect(again.status).toBe(409);
    expect(await again.text()).toContain('href="#decision"');
    expect(await statusOf(ids.routine)).toMatchObject({ status: 'FULFILLED' });
  });

  it("lists the officer's own requests with status and deadline, not a colleague's", async () => {
    const res = await officer.get(`${base}/requests`);
    expect(res.status).toBe(200);
    const text = textOf(await res.text());
    for (const crn of ['X200001', 'X200002', 'X200003']) expect(text).toContain(`${crn} , asked of National Probation`);
    expect(text).not.toContain('X200004');
    expect(text).toMatch(/X200002 .*?Waiting for a decision Urgent Deadline .*?23 hours 5\d minutes left/);
    expect(text).toMatch(/X200003 .*?Refused/);
    expect(text).toMatch(/X200001 .*?Answered/);
    // The same filter on the API: GET /exchange-requests?submittedBy=.
    const police = { org: gw.orgs['police-cleveland'], roles: ['iom-officer'] };
    const api = await gw.call('GET', '/exchange-requests?direction=outgoing&submittedBy=user%3Apc-999', police);
    expect(api.status).toBe(200);
    expect(api.body.items.map((r: { id: string }) => r.id)).toEqual([ids.colleague]);
    expect((await gw.call('GET', '/exchange-requests?submittedBy=', police)).status).toBe(400);
  });

  it('shows the answered request with its response verified: the gateway signature and the log inclusion proof, and logs the read', async () => {
    const { releaseLogIndex } = (await gw.call('GET', `/exchange-requests/${ids.routine}`, npsSystem())).body as {
      releaseLogIndex: number;
    };
    const reads = async () =>
      (await exchangeLogEntries(gw, ids.routine)).filter((e) => e.action === 'exchange.response.read');
    const before = (await reads()).length;
    const res = await officer.get(`${base}/requests/${ids.routine}`);
    expect(res.status).toBe(200);
    const html = await res.text();
    const text = textOf(html);
    const kid = gw.app.get(GatewaySigner).kid;
    expect(text).toMatch(
      new RegExp(
        `Verified: signed by the gateway key ${kid} on \\d+ \\w+ \\d{4} at \\d\\d:\\d\\d , access log entry ${releaseLogIndex} included in the tree of size \\d+`,
      ),
    );
    expect(text).toContain('Risk of serious harm levels');
    expect(text).toContain('Overall: High');
    expect(text).toContain('Accommodation: Significant need (linked to harm, linked to reoffending)');
    // Only the requested categories leave: identity was not asked for.
    expect(text).toMatch(/Information withheld \(\d+\) Given name/);
    expect(html).not.toContain('Alex');
    const after = await reads();
    expect(after).toHaveLength(before + 1);
    expect(after[after.length - 1]).toMatchObject({
      decision: 'ALLOW',
      actor: { org: 'police-cleveland', sub: demoSub('iom-officer', 'police-cleveland'), idp: expect.any(String) },
    });
  });

  it('handles every other status: waiting, refused with the reason', async () => {
    const waiting = textOf(await (await officer.get(`${base}/requests/${ids.urgent}`)).text());
    expect(waiting).toContain('has not decided yet');
    expect(waiting).not.toContain('Verified');
    const refused = textOf(await (await officer.get(`${base}/requests/${ids.later}`)).text());
    expect(refused).toContain('The reason given: Identity is not needed for IOM tasking');
  });

  it("a colleague's request, and one addressed to the person's organisation, are the same 404 as an unknown id", async () => {
    const unknown = await officer.get(`${base}/requests/${UNKNOWN}`);
    const colleagues = await officer.get(`${base}/requests/${ids.colleague}`);
    expect(colleagues.status).toBe(404);
    expect(await colleagues.text()).toBe(await unknown.text());
    // The provider's people see requests addressed to it on the data owner's pages, not as their own.
    const providerOfficer = new Browser();
    await signInThroughIdp(providerOfficer, base, 'nps-north-east', 'offender-manager@nps-north-east');
    const addressed = await providerOfficer.get(`${base}/requests/${ids.routine}`);
    expect(addressed.status).toBe(404);
    expect(await addressed.text()).toBe(await (await providerOfficer.get(`${base}/requests/${UNKNOWN}`)).text());
    // Opening a colleague's page read nothing: no response read logged for this person.
    const reads = (await exchangeLogEntries(gw, ids.colleague)).filter((e) => e.action === 'exchange.response.read');
    expect(reads).toEqual([]);
  });

  it("the requesting organisation's own data owner cannot decide its request: the same 404 page as the GET gives", async () => {
    const requesterOwner = new Browser();
    await signInThroughIdp(requesterOwner, base, 'police-cleveland', 'data-owner@police-cleveland');
    const formToken = formTokenIn(await (await requesterOwner.get(`${base}/account`)).text());
    const before = await statusOf(ids.urgent);
    const viewed = await requesterOwner.get(`${base}/requests/incoming/${ids.urgent}`);
    const posted = await requesterOwner.post(`${base}/requests/incoming/${ids.urgent}`, {
      formToken,
      decision: 'REFUSE',
      reason: 'not ours to decide',
    });
    expect(viewed.status).toBe(404);
    expect(posted.status).toBe(404);
    expect(posted.headers.get('content-type')).toMatch(/^text\/html/);
    expect(await posted.text()).toBe(await viewed.text());
    expect(await statusOf(ids.urgent)).toEqual(before);
  });

  it('an officer of another organisation sees nothing of it: the same page as an unknown id', async () => {
    const unknown = await otherOfficer.get(`${base}/requests/${UNKNOWN}`);
    const theirs = await otherOfficer.get(`${base}/requests/${ids.routine}`);
    expect(unknown.status).toBe(404);
    expect(theirs.status).toBe(404);
    expect(await theirs.text()).toBe(await unknown.text());
    expect(textOf(await (await otherOfficer.get(`${base}/requests`)).text())).not.toContain('X2000');
  });
});
