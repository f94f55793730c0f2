import { createHash } from 'node:crypto';
import {
  AccessLogWriter,
  type AccessLogEntryInput,
  type AccessLogReceipt,
  type StoredAccessLogEntry,
} from '../../src/modules/access-log/index.js';
import { TestGateway, type CallOptions } from '../setup/test-app.js';

type Page = { entries: StoredAccessLogEntry[]; nextCursor: string | null };

function anAccess(o: Partial<AccessLogEntryInput> & { actorOrg: string; crn: string }): AccessLogEntryInput {
  const { actorOrg, ...rest } = o;
  return {
    actor: { org: actorOrg, sub: `user:${actorOrg}-1`, roles: ['offender-manager'] },
    action: 'case.read',
    resource: { type: 'case', id: o.crn },
    purpose: 'IOM',
    reason: 'case review',
    decision: 'ALLOW',
    reasons: ['rule:test'],
    recipientOrg: actorOrg,
    requestId: `req-${Math.random().toString(36).slice(2)}`,
    ...rest,
  };
}

describe('GET /access-log, /access-log/entries/{index}, /access-log/export.csv, /subjects/{crn}/access-report', () => {
  let gw: TestGateway;
  let ig: (org: string) => CallOptions;
  // e1: Cleveland police read an NPS case; e2: Durham police were refused a CRC case;
  // e3: NPS read its own case; e4: a CRC read an NPS case, with a reason a spreadsheet would run.
  let e1: AccessLogReceipt, e2: AccessLogReceipt, e3: AccessLogReceipt, e4: AccessLogReceipt;

  beforeAll(async () => {
    gw = await TestGateway.start();
    ig = (org) => ({ org: gw.orgs[org], roles: ['ig-reviewer'], sub: `user:${org}-ig` });
    const writer = gw.app.get(AccessLogWriter);
    e1 = await writer.append(
      anAccess({
        actorOrg: 'police-cleveland',
        crn: 'X000001',
        ownerOrg: 'nps-north-east',
        agreement: { id: 'a-1', version: 2 },
        fieldsReleased: ['tier'],
      }),
    );
    e2 = await writer.append(
      anAccess({
        actorOrg: 'police-durham',
        crn: 'X000002',
        ownerOrg: 'crc-durham-tees-valley',
        purpose: 'MAPPA',
        decision: 'DENY',
        reasons: ['no agreement'],
      }),
    );
    e3 = await writer.append(
      anAccess({ actorOrg: 'nps-north-east', crn: 'X000001', ownerOrg: 'nps-north-east', purpose: 'RISK_MANAGEMENT' }),
    );
    e4 = await writer.append(
      anAccess({
        actorOrg: 'crc-northumbria',
        crn: 'X000003',
        ownerOrg: 'nps-north-east',
        reason: '=HYPERLINK("x"), "quoted"',
      }),
    );
  });
  afterAll(() => gw.close());

  const search = async (who: CallOptions, query: string): Promise<Page> => {
    const res = await gw.call('GET', `/access-log?${query}`, who);
    expect(res.status).toBe(200);
    return res.body as Page;
  };
  const indices = (p: Page) => p.entries.map((e) => e.index);

  it("shows each reviewer only entries by its staff or about or for its organisation; the operator's IG sees all", async () => {
    expect(indices(await search(ig('police-cleveland'), 'action=case.read'))).toEqual([e1.index]);
    expect(indices(await search(ig('police-durham'), 'action=case.read'))).toEqual([e2.index]);
    expect(indices(await search(ig('crc-durham-tees-valley'), 'action=case.read'))).toEqual([e2.index]);
    expect(indices(await search(ig('nps-north-east'), 'action=case.read'))).toEqual([e4.index, e3.index, e1.index]);
    expect(indices(await search(ig('gateway'), 'action=case.read'))).toEqual([e4.index, e3.index, e2.index, e1.index]);
    // Filters never widen the scope.
    expect(indices(await search(ig('police-durham'), 'crn=X000001'))).toEqual([]);
    expect(indices(await search(ig('police-durham'), 'org=police-cleveland'))).toEqual([]);
  });

  it('filters by crn, acting org, actor, purpose, decision and time', async () => {
    const all = ig('gateway');
    expect(indices(await search(all, 'action=case.read&crn=X000001'))).toEqual([e3.index, e1.index]);
    expect(indices(await search(all, 'action=case.read&org=police-durham'))).toEqual([e2.index]);
    expect(indices(await search(all, 'action=case.read&actor=user:crc-northumbria-1'))).toEqual([e4.index]);
    expect(indices(await search(all, 'action=case.read&purpose=MAPPA'))).toEqual([e2.index]);
    expect(indices(await search(all, 'action=case.read&decision=DENY'))).toEqual([e2.index]);
    expect(indices(await search(all, `action=case.read&from=${encodeURIComponent(e3.timestamp)}`))).toEqual(
      expect.arrayContaining([e4.index, e3.index]),
    );
    expect(indices(await search(all, `action=case.read&to=${encodeURIComponent(e1.timestamp)}`))).toEqual(
      expect.arrayContaining([e1.index]),
    );
    expect(indices(await search(all, 'action=case.read&from=2999-01-01T00:00:00Z'))).toEqual([]);
    expect(indices(await search(all, 'action=case.read&to=2000-01-01T00:00:00%2B01:00'))).toEqual([]);
    const [found] = (await search(all, 'action=case.read&decision=DENY')).entries;
    expect(found).toMatchObject({
      actor: { org: 'police-durham', sub: 'user:police-durham-1', roles: ['offender-manager'] },
      crn: 'X000002',
      purpose: 'MAPPA',
      reasons: ['no agreement'],
      ownerOrg: 'crc-durham-tees-valley',
      agreement: null,
      fieldsReleased: [],
      breakGlass: false,
    });
  });

  it('pages newest first with a cursor', async () => {
    const all = ig('gateway');
    const first = await search(all, 'action=case.read&limit=3');
    expect(indices(first)).toEqual([e4.index, e3.index, e2.index]);
    expect(first.nextCursor).toBe(String(e2.index));
    const second = await search(all, `action=case.read&limit=3&cursor=${first.nextCursor}`);
    expect(indices(second)).toEqual([e1.index]);
    expect(second.nextCursor).toBeNull();
  });

  it('stores the searchable columns exactly as given, whatever characters they hold', async () => {
    const odd = { actorOrg: 'police-cleveland', crn: 'X0"0\\0é', purpose: 'RISK "quoted" \\ back ☃ 𝄞 \u0007' };
    const r = await gw.app
      .get(AccessLogWriter)
      .append(
        anAccess({ ...odd, actor: { org: odd.actorOrg, sub: 'user:Zoë "Z" \\', roles: [] }, action: 'case.read-odd' }),
      );
    const [row] = await gw.sql<{ crn: string; purpose: string; actor_sub: string; entry: Buffer }>(
      'SELECT crn, purpose, actor_sub, entry FROM access_log_entries WHERE idx = $1',
      [r.index],
    );
    expect(row).toMatchObject({ crn: odd.crn, purpose: odd.purpose, actor_sub: 'user:Zoë "Z" \\' });
    expect(JSON.parse(row.entry.toString('utf8'))).toMatchObject({
      crn: odd.crn,
      purpose: odd.purpose,
      actor: { sub: 'user:Zoë "Z" \\' },
    });
  });

  it('logs every read of the log, as the reviewer, before answering', async () => {
    const before = await gw.sql<{ n: string }>(
      `SELECT count(*) AS n FROM access_log_entries WHERE action = 'access-log.search'`,
    );
    await search(ig('police-cleveland'), 'crn=X000001&purpose=IOM');
    const [row] = await gw.sql<{ entry: Buffer }>(
      `SELECT entry FROM access_log_entries WHERE action = 'access-log.search' ORDER BY idx DESC LIMIT 1`,
    );
    const logged = JSON.parse(row.entry.toString('utf8')) as StoredAccessLogEntry;
    expect(logged).toMatchObject({
      actor: { org: 'police-cleveland', sub: 'user:police-cleveland-ig', roles: ['ig-reviewer'] },
      crn: 'X000001',
      purpose: 'IOM',
      decision: 'ALLOW',
      recipientOrg: 'police-cleveland',
    });
    expect(logged.reasons).toEqual([
      'scope:police-cleveland',
      'filter:crn=X000001',
      'filter:purpose=IOM',
      'returned:1',
    ]);
    const after = await gw.sql<{ n: string }>(
      `SELECT count(*) AS n FROM access_log_entries WHERE action = 'access-log.search'`,
    );
    expect(Number(after[0].n)).toBe(Number(before[0].n) + 1);
  });

  it('serves an entry as exactly the bytes hashed into the tree, and 404 outside the scope', async () => {
    const res = await gw.call('GET', `/access-log/entries/${e1.index}`, ig('nps-north-east'));
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toMatch(/^application\/json/);
    const leaf = createHash('sha256')
      .update(Buffer.from([0]))
      .update(Buffer.from(res.text, 'utf8'))
      .digest('base64');
    expect(leaf).toBe(e1.leafHash);
    expect(res.body).toMatchObject({ index: e1.index, timestamp: e1.timestamp, crn: 'X000001' });

    const hidden = await gw.call('GET', `/access-log/entries/${e1.index}`, ig('police-durham'));
    const missing = await gw.call('GET', `/access-log/entries/999999`, ig('police-durham'));
    expect([hidden.status, missing.status]).toEqual([404, 404]);
    expect(hidden.body.detail).toBe(missing.body.detail.replace('999999', String(e1.index)));
    const [denied] = await gw.sql<{ decision: string }>(
      `SELECT decision FROM access_log_entries WHERE action = 'access-log.read' AND actor_org = 'police-durham' ORDER BY idx DESC LIMIT 1`,
    );
    expect(denied.decision).toBe('DENY');
  });

  it('exports the same scoped, filtered entries as CSV, defusing formulas', async () => {
    const res = await gw.call('GET', '/access-log/export.csv?action=case.read', ig('nps-north-east'));
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toMatch(/^text\/csv/);
    expect(res.headers['content-disposition']).toContain('attachment');
    const lines = res.text.trimEnd().split('\r\n');
    expect(lines[0].split(',').slice(0, 4)).toEqual(['index', 'timestamp', 'actorOrg', 'actorSub']);
    expect(lines.slice(1).map((l) => Number(l.split(',')[0]))).toEqual([e4.index, e3.index, e1.index]);
    expect(lines[1]).toContain(`"'=HYPERLINK(""x""), ""quoted"""`);
    const [logged] = await gw.sql<{ action: string; actor_org: string }>(
      `SELECT action, actor_org FROM access_log_entries ORDER BY idx DESC LIMIT 1`,
    );
    expect(logged).toEqual({ action: 'access-log.export', actor_org: 'nps-north-east' });
  });

  it("reports every access to one person's data within the reviewer's scope", async () => {
    const res = await gw.call('GET', '/subjects/X000001/access-report', ig('nps-north-east'));
    expect(res.status).toBe(200);
    const reads = (res.body.accesses as { action: string }[]).filter((a) => a.action === 'case.read');
    expect(reads).toEqual([
      expect.objectContaining({
        index: e3.index,
        org: 'nps-north-east',
        purpose: 'RISK_MANAGEMENT',
        decision: 'ALLOW',
      }),
      expect.objectContaining({
        index: e1.index,
        org: 'police-cleveland',
        actor: 'user:police-cleveland-1',
        agreement: { id: 'a-1', version: 2 },
        fieldsReleased: ['tier'],
      }),
    ]);
    const durham = await gw.call('GET', '/subjects/X000001/access-report', ig('police-durham'));
    expect((durham.body.accesses as { action: string }[]).filter((a) => a.action === 'case.read')).toEqual([]);
  });

  it.each([
    ['/access-log'],
    ['/access-log/export.csv'],
    ['/access-log/entries/0'],
    ['/subjects/X000001/access-report'],
  ])('%s is 401 without a token and 403 without the ig-reviewer role', async (path) => {
    expect((await gw.http.get(path)).status).toBe(401);
    const res = await gw.call('GET', path, { org: gw.orgs['police-cleveland'], roles: ['iom-officer', 'system'] });
    expect(res.status).toBe(403);
  });

  it.each([
    ['crn=x123', 'crn'],
    ['org=Police_Cleveland', 'org'],
    ['actor=bob', 'actor'],
    ['purpose=FUN', 'purpose'],
    ['decision=MAYBE', 'decision'],
    ['from=yesterday', 'from'],
    ['to=2025-02-30T00:00:00Z', 'to'],
    ['from=2025-02-01T00:00:00Z&to=2025-01-01T00:00:00Z', 'from'],
    ['cursor=-1', 'cursor'],
    ['limit=0', 'limit'],
    ['limit=201', 'limit'],
    ['crn=X000001&crn=X000002', 'crn'],
    ['colour=blue', 'colour'],
  ])('GET /access-log?%s is 400 naming %s', async (query, field) => {
    const res = await gw.call('GET', `/access-log?${query}`, ig('gateway'));
    expect(res.status).toBe(400);
    expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect((res.body.errors as { field: string }[]).map((e) => e.field)).toContain(field);
  });

  it('validates the path and paging of the other reads', async () => {
    const who = ig('gateway');
    expect((await gw.call('GET', '/access-log/entries/abc', who)).body.errors).toEqual([
      expect.objectContaining({ field: 'index' }),
    ]);
    expect((await gw.call('GET', '/access-log/export.csv?limit=5', who)).status).toBe(400);
    expect((await gw.call('GET', '/subjects/bad/access-report', who)).body.errors).toEqual([
      expect.objectContaining({ field: 'crn' }),
    ]);
    expect((await gw.call('GET', '/subjects/X000001/access-report?limit=1001', who)).body.errors).toEqual([
      expect.objectContaining({ field: 'limit' }),
    ]);
  });
});
