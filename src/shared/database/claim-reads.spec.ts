import { requestContext, type RequestContext } from '@shared/observability/request-context.js';
import { ClaimReads, takeClaimedRow } from './claim-reads.js';

describe('ClaimReads', () => {
  const sql = 'SELECT 1 AS one WHERE $key IS NOT NULL';

  it('refuses a read that is not a lower-case word, names no key or another parameter, keeps match state, or comes twice with two texts', () => {
    const reads = new ClaimReads();
    expect(() => reads.register('Case', { sql, key: /^x$/ })).toThrow(/lower-case word/);
    expect(() => reads.register('case', { sql: 'SELECT 1', key: /^x$/ })).toThrow(/\$key/);
    expect(() => reads.register('case', { sql: 'SELECT 1 WHERE $keys = 1', key: /^x$/ })).toThrow(/\$key/);
    // The claim statement's own parameters are $1, $2, ...: a read may not bind to them.
    expect(() => reads.register('case', { sql: `${sql} AND $1 IS NOT NULL`, key: /^x$/ })).toThrow(/parameter/);
    expect(() => reads.register('case', { sql, key: /^x$/g })).toThrow(/global or sticky/);
    expect(() => reads.register('case', { sql, key: /^x$/y })).toThrow(/global or sticky/);
    reads.register('case', { sql, key: /^x$/ });
    reads.register('case', { sql, key: /^x$/ });
    expect(() => reads.register('case', { sql: `${sql} AND true`, key: /^x$/ })).toThrow(/two texts/);
    expect(() => reads.register('case', { sql, key: /^y$/ })).toThrow(/two texts/);
    expect(reads.list().map((r) => r.name)).toEqual(['case']);
  });

  it('hands out one list until the next registration', () => {
    const reads = new ClaimReads();
    reads.register('a', { sql, key: /^x$/ });
    const first = reads.list();
    expect(reads.list()).toBe(first);
    reads.register('b', { sql, key: /^x$/ });
    expect(reads.list()).not.toBe(first);
    expect(reads.list().map((r) => r.name)).toEqual(['a', 'b']);
  });

  it('reads only keys of the form the read names', () => {
    const reads = new ClaimReads();
    reads.register('case', { sql, key: /^[A-Z][0-9]{6}$/ });
    expect(reads.keyFor('case', 'X123456')).toBe('X123456');
    expect(reads.keyFor('case', "X123456' --")).toBeNull();
    expect(reads.keyFor('case', 123456)).toBeNull();
    expect(reads.keyFor('case', undefined)).toBeNull();
    expect(reads.keyFor('other', 'X123456')).toBeNull();
  });
});

describe('takeClaimedRow', () => {
  it('answers the row once, for its key only, and nothing outside a request', () => {
    expect(takeClaimedRow('case', 'X123456')).toBeUndefined();
    const context: RequestContext = {
      requestId: 'r',
      rows: { case: { key: 'X123456', row: { crn: 'X123456' } }, other: { key: 'k', row: null } },
    };
    requestContext.run(context, () => {
      expect(takeClaimedRow('case', 'X999999')).toBeUndefined();
      expect(takeClaimedRow('case', 'X123456')).toEqual({ row: { crn: 'X123456' } });
      // A later load in the same request reads for itself: the request may have changed the row.
      expect(takeClaimedRow('case', 'X123456')).toBeUndefined();
      expect(takeClaimedRow('other', 'k')).toEqual({ row: null });
    });
  });
});
