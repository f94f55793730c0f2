import type { FieldError } from '@shared/errors/index.js';

/** How a person is looked for: by one of these, never a mix. What the access log names as `searchedBy`. */
export type PersonSearch =
  | { by: 'crn'; crn: string }
  | { by: 'pnc'; pnc: string }
  | { by: 'name-and-date-of-birth'; givenName: string; familyName: string; dateOfBirth: string };

/** What a caller sent: any of the members, any types (a JSON body or a form). */
export interface PersonSearchInput {
  crn?: unknown;
  pnc?: unknown;
  givenName?: unknown;
  familyName?: unknown;
  dateOfBirth?: unknown;
}

const CRN = /^[A-Z][0-9]{6}$/;
const PNC = /^\d{4}\/\d{7}[A-Z]$/;
const NAME_MAX = 100;

/** Whether `v` is a real calendar day written YYYY-MM-DD, not in the future. */
export function isPastDay(v: string, today = new Date()): boolean {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(v)) return false;
  const d = new Date(`${v}T00:00:00Z`);
  return !Number.isNaN(d.getTime()) && d.toISOString().slice(0, 10) === v && d.getTime() <= today.getTime();
}

const text = (v: unknown): string | undefined => (typeof v === 'string' && v.trim() ? v.trim() : undefined);
const given = (v: unknown): boolean => v !== undefined && v !== null && v !== '';

/**
 * The one search the input asks for, or the errors naming each field at fault: exactly one of a
 * CRN, a PNC ID, or a given name, family name and date of birth together. A PNC ID is read in
 * capitals; names are matched without regard to case, so they are kept as given (trimmed).
 */
export function personSearchOf(input: PersonSearchInput): PersonSearch | FieldError[] {
  const byName = ['givenName', 'familyName', 'dateOfBirth'] as const;
  const ways = [given(input.crn), given(input.pnc), byName.some((f) => given(input[f]))].filter(Boolean).length;
  if (ways === 0) return [{ field: 'pnc', message: 'give a PNC ID, or a given name, family name and date of birth' }];
  if (ways > 1) {
    const field = given(input.crn) ? 'crn' : 'pnc';
    return [{ field, message: `search by one of crn, pnc, or givenName, familyName and dateOfBirth, not several` }];
  }
  if (given(input.crn)) {
    const crn = text(input.crn)?.toUpperCase();
    return crn && CRN.test(crn)
      ? { by: 'crn', crn }
      : [{ field: 'crn', message: 'must be one capital letter and six digits, like X123456' }];
  }
  if (given(input.pnc)) {
    const pnc = text(input.pnc)?.toUpperCase();
    return pnc && PNC.test(pnc) ? { by: 'pnc', pnc } : [{ field: 'pnc', message: 'must look like 2004/0012345A' }];
  }
  const errors: FieldError[] = [];
  const givenName = text(input.givenName);
  const familyName = text(input.familyName);
  const dateOfBirth = text(input.dateOfBirth);
  if (!givenName || givenName.length > NAME_MAX)
    errors.push({
      field: 'givenName',
      message: `is required with familyName and dateOfBirth (at most ${NAME_MAX} characters)`,
    });
  if (!familyName || familyName.length > NAME_MAX)
    errors.push({
      field: 'familyName',
      message: `is required with givenName and dateOfBirth (at most ${NAME_MAX} characters)`,
    });
  if (!dateOfBirth || !isPastDay(dateOfBirth))
    errors.push({ field: 'dateOfBirth', message: 'must be a real date in the past, YYYY-MM-DD' });
  if (errors.length || !givenName || !familyName || !dateOfBirth) return errors;
  return { by: 'name-and-date-of-birth', givenName, familyName, dateOfBirth };
}
