import type { Principal } from '@shared/auth/principal.js';
import type { AccessLogEntryInput } from '../domain/access-log-entry.js';
import type { AccessLogReader } from '../domain/access-log-reader.port.js';
import { AccessLogSearch } from './access-log.search.js';
import type { AccessLogWriter } from './access-log.writer.js';

const reviewer = {
  org: 'police-cleveland',
  orgKind: 'POLICE',
  sub: 'user:ig-1',
  roles: ['ig-reviewer'],
  attrs: {},
  requestId: 'r-1',
  jti: 'j-1',
  breakGlass: false,
  reason: undefined,
} as unknown as Principal;

function sut(search: AccessLogReader['search']) {
  const appended: AccessLogEntryInput[] = [];
  const writer = {
    append: (e: AccessLogEntryInput) => {
      appended.push(e);
      return Promise.resolve({ index: 41, leafHash: 'x', timestamp: '2026-12-06T00:00:00.000Z' });
    },
  } as unknown as AccessLogWriter;
  return { search: new AccessLogSearch({ search } as unknown as AccessLogReader, writer), appended };
}

describe('AccessLogSearch.exportCsv', () => {
  it('fails before answering when the first batch cannot be read, so no 200 ends after the header', async () => {
    const { search } = sut(() => Promise.reject(new Error('database unavailable')));
    await expect(search.exportCsv(reviewer, {})).rejects.toThrow('database unavailable');
  });

  it('logs the export, naming each filter within what an entry reason holds', async () => {
    const { search, appended } = sut(() => Promise.resolve([]));
    const lines: string[] = [];
    for await (const l of await search.exportCsv(reviewer, { actor: `user:${'a'.repeat(2000)}` })) lines.push(l);
    expect(lines).toHaveLength(1); // the header
    expect(appended[0].action).toBe('access-log.export');
    for (const r of appended[0].reasons) expect(r.length).toBeLessThanOrEqual(512);
  });
});
