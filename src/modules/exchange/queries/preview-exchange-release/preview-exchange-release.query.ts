import { Query } from '@nestjs/cqrs';
import type { Principal } from '@shared/auth/principal.js';

/** What approving would do now, for the provider's data owner deciding the request. */
export type ReleasePreview =
  | {
      kind: 'release';
      agreement: { id: string; version: number; title: string };
      /** The fields an approval would release, as the release computes them now. */
      released: string[];
      /** Of those, the ones the case holds a value for now (the others would leave empty). */
      held: string[];
      withheld: string[];
    }
  /** The agreement no longer allows a release: approving would close the request instead. */
  | { kind: 'close'; status: 'REFUSED' | 'EXPIRED'; reason: string }
  /** The provider does not manage the case, or the case is restricted: nothing can be released. */
  | { kind: 'not-held'; reason: string }
  /** The request is no longer open. */
  | { kind: 'closed' };

/**
 * The release an approval of request `id` would make right now, computed by the release's own
 * check and plan without releasing anything. It answers field names only, never case values (a
 * data owner has no read of case data: no policy rule gives the role one), so it is not a read
 * of case data and writes no access-log entry. Only the provider's data owners may ask; anyone
 * but the two parties gets the answer of an unknown id.
 */
export class PreviewExchangeReleaseQuery extends Query<ReleasePreview> {
  constructor(
    readonly principal: Principal,
    readonly id: string,
  ) {
    super();
  }
}
