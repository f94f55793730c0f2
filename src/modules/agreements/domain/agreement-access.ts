import type { Principal } from '@shared/auth/principal.js';
import { hasRole } from '@shared/auth/principal.js';
import type { Agreement } from './agreement.js';
import { AgreementException, AgreementExceptionCode } from './agreement.exception.js';

export type AgreementAction = 'read' | 'amend' | 'submit' | 'sign' | 'suspend' | 'resume' | 'terminate';

/** The operator's organisation kind: its admins and IG oversee every agreement. */
const isOperator = (p: Principal) => p.orgKind === 'GATEWAY';

/**
 * Whether `p` may know the agreement exists: every member of an organisation that is or was a
 * party to it, and the operator. Anyone else gets 404, never 403, so the list of who shares
 * with whom cannot be probed.
 */
export function canRead(p: Principal, a: Agreement): boolean {
  return isOperator(p) || a.partyOrgs.includes(p.org);
}

const signatoryOfParty = (p: Principal, a: Agreement) => hasRole(p, 'dsa-signatory') && a.isParty(p.org);

/**
 * Who may do what to an agreement (deny by default):
 * - amend, submit: a dsa-signatory of a current party, or the operator's gateway-admin;
 * - sign: a dsa-signatory of a current party, for its own organisation only;
 * - suspend: a dsa-signatory of a current party, or the operator's ig-reviewer or gateway-admin
 *   (anyone responsible for the data may pull the brake);
 * - resume: the organisation that suspended it (its dsa-signatory), or the operator's
 *   ig-reviewer or gateway-admin: one party cannot release another party's brake;
 * - terminate: a dsa-signatory of a current party, or the operator's gateway-admin.
 */
export function may(p: Principal, a: Agreement, action: AgreementAction): boolean {
  switch (action) {
    case 'read':
      return canRead(p, a);
    case 'amend':
    case 'submit':
      return signatoryOfParty(p, a) || (isOperator(p) && hasRole(p, 'gateway-admin'));
    case 'sign':
      return signatoryOfParty(p, a);
    case 'suspend':
      return signatoryOfParty(p, a) || (isOperator(p) && hasRole(p, 'gateway-admin', 'ig-reviewer'));
    case 'resume':
      // When nothing is suspended, a party's signatory is told so (409), not refused (403).
      return (
        (a.suspendedBy === null ? signatoryOfParty(p, a) : hasRole(p, 'dsa-signatory') && a.suspendedBy === p.org) ||
        (isOperator(p) && hasRole(p, 'gateway-admin', 'ig-reviewer'))
      );
    case 'terminate':
      return signatoryOfParty(p, a) || (isOperator(p) && hasRole(p, 'gateway-admin'));
    default: {
      const exhaustive: never = action;
      return exhaustive;
    }
  }
}

/** Throws 404 when `p` may not know the agreement exists, 403 when it may read but not do `action`. */
export function authorise(p: Principal, a: Agreement, action: AgreementAction): void {
  if (!canRead(p, a)) throw AgreementException.notFound(a.id);
  if (may(p, a, action)) return;
  if (action === 'sign') {
    if (!a.isParty(p.org))
      throw new AgreementException(
        AgreementExceptionCode.NotAParty,
        `Organisation "${p.org}" is not a party to version ${a.version} of this agreement and cannot sign it.`,
      );
    throw new AgreementException(
      AgreementExceptionCode.ActionForbidden,
      'Only a dsa-signatory of a party may sign for it.',
    );
  }
  const who: Record<Exclude<AgreementAction, 'read' | 'sign'>, string> = {
    amend: "a party's dsa-signatory or the operator's gateway-admin",
    submit: "a party's dsa-signatory or the operator's gateway-admin",
    suspend: "a party's dsa-signatory or the operator's ig-reviewer or gateway-admin",
    resume: "the suspending organisation's dsa-signatory or the operator's ig-reviewer or gateway-admin",
    terminate: "a party's dsa-signatory or the operator's gateway-admin",
  };
  throw new AgreementException(
    AgreementExceptionCode.ActionForbidden,
    `Only ${who[action as keyof typeof who]} may ${action} this agreement.`,
  );
}
