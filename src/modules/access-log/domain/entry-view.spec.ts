import type { StoredAccessLogEntry } from './access-log-entry.js';
import {
  hiddenReasons,
  isHidden,
  NOT_FOUND,
  PROJECTION_STABLE_FILTERS,
  prunedView,
  seesStored,
  viewEntry,
} from './entry-view.js';
import type { AccessLogFilter } from './access-log-reader.port.js';

function entry(over: Partial<StoredAccessLogEntry>): StoredAccessLogEntry {
  return {
    index: 7,
    timestamp: '2026-01-05T10:00:00.000Z',
    actor: { org: 'police-cleveland', sub: 'user:pc-1', roles: ['iom-officer'] },
    action: 'case.summary',
    resource: { type: 'case-summary', id: 'X100001' },
    crn: 'X100001',
    purpose: 'IOM',
    reason: 'panel',
    decision: 'DENY',
    reasons: hiddenReasons(['restricted case: visible only to the managing organisation']),
    agreement: { id: 'a1', version: 2 },
    fieldsReleased: [],
    fieldsWithheld: ['tier'],
    recipientOrg: 'police-cleveland',
    ownerOrg: 'nps-north-east',
    requestId: 'req-1',
    jti: 'jti-1',
    breakGlass: false,
    salt: 'AAECAwQFBgcICQoLDA0ODw==',
    ...over,
  };
}

const leaf = () => 'LEAF';

describe('viewEntry', () => {
  it('shows the owner and the operator the entry as stored', () => {
    const e = entry({});
    expect(viewEntry({ org: 'nps-north-east' }, e, leaf)).toBe(e);
    expect(viewEntry({ org: null }, e, leaf)).toBe(e);
  });

  it('projects a restricted, an unrelated and an unknown-CRN denial to the same view for the actor organisation', () => {
    const restricted = entry({});
    const unrelated = entry({
      reasons: hiddenReasons(['no relationship between the caller and this case']),
      agreement: null,
      fieldsWithheld: [],
    });
    const unknown = entry({
      reasons: hiddenReasons(['no such case']),
      ownerOrg: null,
      agreement: null,
      fieldsWithheld: [],
      salt: 'DwAODQwLCgkIBwYFBAMCAQ==',
    });
    const views = [restricted, unrelated, unknown].map((e) => viewEntry({ org: 'police-cleveland' }, e, leaf));
    const { salt: _salt, ...unsalted } = restricted;
    // No salt: with it, hashing each guess of the hidden members against leafHash would find them.
    expect(views[0]).not.toHaveProperty('salt');
    expect(views[0]).toEqual({
      ...unsalted,
      ownerOrg: null,
      reasons: [NOT_FOUND],
      agreement: null,
      fieldsReleased: [],
      fieldsWithheld: [],
      redacted: true,
      leafHash: 'LEAF',
    });
    expect(views[1]).toEqual(views[0]);
    expect(views[2]).toEqual(views[0]);
  });

  it('leaves entries that are not "not found" as stored, whoever reads them', () => {
    const allowed = entry({ decision: 'ALLOW', reasons: ['rule:iom'] });
    const forbidden = entry({ reasons: ['no active agreement covers this sharing'] });
    expect(viewEntry({ org: 'police-cleveland' }, allowed, leaf)).toBe(allowed);
    expect(viewEntry({ org: 'police-cleveland' }, forbidden, leaf)).toBe(forbidden);
    expect(isHidden(forbidden)).toBe(false);
    expect(seesStored({ org: 'police-cleveland' }, forbidden)).toBe(true);
  });

  it('every search filter tests a member the projection keeps', () => {
    const filter: Required<AccessLogFilter> = {
      crn: 'X',
      org: 'o',
      actor: 'a',
      purpose: 'p',
      decision: 'DENY',
      action: 'x',
      from: new Date(0),
      to: new Date(0),
    };
    expect(Object.keys(filter).sort()).toEqual([...PROJECTION_STABLE_FILTERS].sort());
  });
});

describe('prunedView', () => {
  it('keeps the index, time, action, decision, organisations and leaf hash, and no member that held personal data', () => {
    const view = prunedView({
      index: 7,
      timestamp: '2020-01-05T10:00:00.000Z',
      action: 'case.summary',
      decision: 'DENY',
      actorOrg: 'police-cleveland',
      recipientOrg: 'police-cleveland',
      breakGlass: false,
      leafHash: 'LEAF',
      pruning: { on: '2026-01-06T00:00:00.000Z', cutoff: '2020-01-06T00:00:00.000Z' },
    });
    expect(view).not.toHaveProperty('salt');
    expect(view).toEqual({
      ...entry({
        timestamp: '2020-01-05T10:00:00.000Z',
        salt: undefined,
        actor: { org: 'police-cleveland', sub: '', roles: [] },
        resource: { type: '', id: '' },
        crn: null,
        purpose: null,
        reason: null,
        reasons: [],
        agreement: null,
        fieldsWithheld: [],
        ownerOrg: null,
        requestId: '',
        jti: null,
      }),
      redacted: true,
      leafHash: 'LEAF',
      pruned: { on: '2026-01-06T00:00:00.000Z', cutoff: '2020-01-06T00:00:00.000Z' },
    });
  });
});
