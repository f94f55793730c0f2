import type { OrgKind } from '@shared/auth/roles.js';

/**
 * Who may create a case, and for whom (PUT /cases/{crn} of an unused CRN).
 *
 * The NPS is the allocating authority: it advises the court and makes the initial assessment of
 * every case, keeps the high-risk ones and allocates the others to a CRC of its region. So an
 * NPS region's system creates a case for itself or for an active CRC of its region; the CRC
 * then pushes the case it was allocated. No other system creates cases: a CRC or police system
 * cannot claim an unused CRN and lock the real manager out. Organisations, their kinds and
 * regions are registered by the operator.
 */
export function isAllocator(kind: OrgKind): boolean {
  return kind === 'NPS';
}

/** Whether an allocator may create a case managed by `target` (itself, or an active CRC of its region). */
export function mayAllocateTo(
  allocator: { id: string; region: string },
  target: { id: string; kind: OrgKind; region: string; status: string } | null,
): boolean {
  if (target === null) return false;
  if (target.id === allocator.id) return true;
  return target.kind === 'CRC' && target.status === 'ACTIVE' && target.region === allocator.region;
}
