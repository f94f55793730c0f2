import { cookieValue } from './ig-session.guard.js';

describe('cookieValue', () => {
  it('finds one cookie among several', () => {
    expect(cookieValue('a=1; ig_session=abc_-1; b=2', 'ig_session')).toBe('abc_-1');
    expect(cookieValue(['a=1', 'ig_session=x'], 'ig_session')).toBe('x');
  });

  it('does not match a cookie whose name merely ends with the name', () => {
    expect(cookieValue('not_ig_session=evil', 'ig_session')).toBeUndefined();
    expect(cookieValue(undefined, 'ig_session')).toBeUndefined();
  });
});
