import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { agreementTerms, activeAgreement, signatory } from '../factories/agreement.factory.js';
import { caseBody } from '../factories/case.factory.js';
import { TestGateway } from '../setup/test-app.js';
import type { StoredAccessLogEntry } from '../../src/modules/access-log/domain/access-log-entry.js';

/** A copy of policies/*.yaml (without the tests), so a test can change it between two starts. */
function policiesCopy(edit: (yaml: string) => string = (y) => y): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'gw-policies-'));
  cpSync('policies/default.yaml', path.join(dir, 'default.yaml'));
  writeFileSync(path.join(dir, 'default.yaml'), edit(readFileSync(path.join(dir, 'default.yaml'), 'utf8')));
  return dir;
}

/**
 * Issue 17 item 6: every entry names the policy version and the agreement version that decided
 * it, and POST /policies/explain replays a past decision at those versions after both changed.
 */
describe('Policy and agreement versions in the log, and explain at a past version', () => {
  const before = policiesCopy();
  // The next policy version stops showing RoSH to IOM officers.
  const after = policiesCopy((y) => {
    const changed = y.replace('scores.ogrs3Band, rosh, needs,', 'scores.ogrs3Band, needs,');
    if (changed === y) throw new Error('the police.iom.summary rule changed: update this test');
    return changed;
  });
  let gw: TestGateway;
  let agreement: string;
  const officer = () => ({
    org: gw.orgs['police-cleveland'],
    roles: ['iom-officer'],
    sub: 'user:pc-101',
    attrs: { force: 'cleveland' },
    reason: 'IOM panel',
  });
  const operatorIg = () => ({ org: gw.orgs.gateway, roles: ['ig-reviewer'], reason: 'replay' });
  const explainBody = (over: Record<string, unknown> = {}) => ({
    principal: { org: 'police-cleveland', roles: ['iom-officer'], attrs: { force: 'cleveland' } },
    crn: 'X600001',
    purpose: 'IOM',
    ...over,
  });
  const entries = async () =>
    (
      await gw.sql<{ e: StoredAccessLogEntry }>(
        `SELECT convert_from(entry, 'UTF8')::jsonb AS e FROM access_log_entries ORDER BY idx`,
      )
    ).map((r) => r.e);

  beforeAll(async () => {
    gw = await TestGateway.start({ env: { POLICIES_DIR: before } });
    agreement = await activeAgreement(gw, agreementTerms({ title: 'Cleveland IOM (replay)' }));
    const sys = { org: gw.orgs['nps-north-east'], roles: ['system'], sub: 'system:nps-cms' };
    const pushed = await gw.call(
      'PUT',
      '/cases/X600001',
      sys,
      caseBody('nps-north-east', { iom: { cohort: true, force: 'cleveland' } }),
    );
    expect(pushed.status).toBe(201);
  });
  afterAll(async () => {
    await gw.close();
    for (const d of [before, after]) rmSync(d, { recursive: true, force: true });
  });

  let read: StoredAccessLogEntry;
  let firstVersion: string;

  it('names the policy version in entries of both kinds (releases and changes), and the agreement version that decided a read', async () => {
    const res = await gw.call('GET', '/cases/X600001/summary?purpose=IOM', officer());
    expect(res.status).toBe(200);
    expect(res.body.rosh).toBeDefined();
    const all = await entries();
    firstVersion = all[all.length - 1].policyVersion as string;
    expect(firstVersion).toMatch(/^sha256:[0-9a-f]{64}$/);
    // Agreement changes and the case push are log intents (changes); the read is a release.
    expect(new Set(all.map((e) => e.action))).toEqual(
      new Set(['agreement.create', 'agreement.sign', 'case.create', 'case.summary']),
    );
    for (const e of all) expect([e.action, e.policyVersion]).toEqual([e.action, firstVersion]);
    read = all[all.length - 1];
    expect(read).toMatchObject({ action: 'case.summary', agreement: { id: agreement, version: 1 } });
    expect(read.fieldsReleased).toContain('rosh');
  });

  it('after the policies and the agreement changed, explain at the entry versions answers as the decision was made', async () => {
    // The agreement is suspended and the gateway restarts with the next policy version.
    const suspended = await gw.call(
      'POST',
      `/agreements/${agreement}/suspend`,
      signatory(gw.orgs['police-cleveland']),
      {
        reason: 'review',
      },
    );
    expect(suspended.status).toBe(200);
    gw = await gw.restart({ POLICIES_DIR: after });
    const stored = await gw.sql<{ content_hash: string }>(`SELECT content_hash FROM policy_versions ORDER BY 1`);
    expect(stored.map((r) => r.content_hash)).toContain(firstVersion);
    expect(stored).toHaveLength(2);

    const now = await gw.call('POST', '/policies/explain', operatorIg(), explainBody());
    expect(now.status).toBe(200);
    expect(now.body).toMatchObject({ decision: 'DENY', outcome: 'not_found' });
    expect(now.body.policyVersion).not.toBe(firstVersion);

    // Old policies, the agreements in force now (none): still no agreement covers it.
    const oldPolicyOnly = await gw.call(
      'POST',
      '/policies/explain',
      operatorIg(),
      explainBody({ policyVersion: firstVersion }),
    );
    expect(oldPolicyOnly.body).toMatchObject({ decision: 'DENY', policyVersion: firstVersion });

    // New policies, the agreement version the read relied on: RoSH is no longer released.
    const newPolicy = await gw.call(
      'POST',
      '/policies/explain',
      operatorIg(),
      explainBody({ agreement: read.agreement }),
    );
    expect(newPolicy.body.decision).toBe('ALLOW');
    const allowed = (b: { fields: { field: string; allowed: boolean }[] }) =>
      b.fields.filter((f) => f.allowed).map((f) => f.field);
    expect(allowed(newPolicy.body)).not.toContain('rosh');

    // Both versions of the entry: exactly the fields the read released.
    const replayed = await gw.call(
      'POST',
      '/policies/explain',
      operatorIg(),
      explainBody({ policyVersion: read.policyVersion, agreement: read.agreement }),
    );
    expect(replayed.status).toBe(200);
    expect(replayed.body).toMatchObject({
      decision: 'ALLOW',
      agreement: { id: agreement, version: 1 },
      policyVersion: firstVersion,
    });
    expect(allowed(replayed.body).sort()).toEqual([...read.fieldsReleased].sort());
    // The explanation's own entry says what was replayed, and names the version in force now.
    const last = (await entries()).pop() as StoredAccessLogEntry;
    expect(last.action).toBe('policy.explain');
    expect(last.reasons[0]).toMatch(/replayed with policy sha256:[0-9a-f]{64} and agreement /);
    expect(last.policyVersion).toBe(now.body.policyVersion);
  });

  it('refuses unknown or malformed versions with a problem, and an agreement the caller is not party to as unknown', async () => {
    const problem = async (body: Record<string, unknown>, who = operatorIg()) => {
      const r = await gw.call('POST', '/policies/explain', who, explainBody(body));
      return [r.status, r.headers['content-type'], r.body.code ?? r.body.type, r.body.errors?.[0]?.field];
    };
    const type = 'application/problem+json; charset=utf-8';
    expect(await problem({ policyVersion: `sha256:${'0'.repeat(64)}` })).toEqual([
      400,
      type,
      expect.stringMatching(/unknown_policy_version/),
      'policyVersion',
    ]);
    expect((await problem({ policyVersion: 'v1' })).slice(0, 2)).toEqual([400, type]);
    expect(await problem({ agreement: { id: agreement, version: 9 } })).toEqual([
      400,
      type,
      expect.stringMatching(/unknown_agreement_version/),
      'agreement',
    ]);
    expect((await problem({ agreement: { id: 'nope', version: 1 } })).slice(0, 2)).toEqual([400, type]);
    expect((await problem({ agreement: { id: agreement, version: 0 } })).slice(0, 2)).toEqual([400, type]);
    // Durham police is no party: its reviewer, asking about its own officer, learns nothing of the agreement.
    const durham = { org: gw.orgs['police-durham'], roles: ['ig-reviewer'], reason: 'replay' };
    expect(
      await problem(
        { principal: { org: 'police-durham', roles: ['iom-officer'] }, agreement: { id: agreement, version: 1 } },
        durham,
      ),
    ).toEqual([400, type, expect.stringMatching(/unknown_agreement_version/), 'agreement']);
  });

  it('keeps the stored versions immutable', async () => {
    const { default: pg } = await import('pg');
    const c = new pg.Client({ connectionString: gw.db.appUrl });
    await c.connect();
    try {
      await expect(c.query(`UPDATE policy_versions SET file_names = file_names`)).rejects.toThrow();
      await expect(c.query(`DELETE FROM policy_versions`)).rejects.toThrow();
    } finally {
      await c.end();
    }
    await expect(gw.sql(`DELETE FROM policy_versions`)).rejects.toThrow(/append-only/);
  });
});
