import { returnPath } from './sign-in.service.js';

describe('returnPath (where a finished sign-in goes)', () => {
  it('keeps a page of this gateway', () => {
    for (const p of ['/ig', '/requests/incoming', '/case/X123456', '/home']) expect(returnPath(p)).toBe(p);
  });

  it('refuses anything that could leave the gateway or is not a plain path', () => {
    for (const p of [
      '//evil.example/x',
      '/\\evil.example',
      'https://evil.example/',
      'evil.example',
      '/ig?x=1',
      '/ig#top',
      '/ig%2F%2Fevil',
      '',
      `/${'a'.repeat(200)}`,
      ['/ig'],
      undefined,
    ])
      expect(returnPath(p)).toBeNull();
  });
});
