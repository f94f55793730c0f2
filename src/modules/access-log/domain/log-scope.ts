import type { Principal } from '@shared/auth/principal.js';

/**
 * Which entries an IG reviewer may read: those by its organisation's staff, about its
 * organisation's data, or released to it. The operator's IG (`orgKind` GATEWAY) sees all.
 * `org: null` means everything.
 */
export interface LogScope {
  readonly org: string | null;
}

export function scopeOf(p: Principal): LogScope {
  return { org: p.orgKind === 'GATEWAY' ? null : p.org };
}

/** Whether an entry with these organisations is inside the scope. */
export function inScope(
  scope: LogScope,
  e: { actorOrg: string; ownerOrg: string | null; recipientOrg: string | null },
): boolean {
  return scope.org === null || e.actorOrg === scope.org || e.ownerOrg === scope.org || e.recipientOrg === scope.org;
}
