import { DATA_CATEGORIES, PURPOSES } from '@shared/domain/vocabulary.js';

/** What the "ask for more" form says, checked field by field (before any signature is made). */
export interface ExchangeDraft {
  crn: string;
  provider: string;
  purpose: string;
  dataCategories: string[];
  justification: string;
  urgency: 'ROUTINE' | 'URGENT';
}

export interface DraftError {
  field: string;
  message: string;
}

const CRN = /^[A-Z][0-9]{6}$/;
export const MAX_JUSTIFICATION = 2000;

/**
 * Reads the form's fields (one checkbox field per data category, `category-<CODE>`) into a draft,
 * or names every field that is wrong. `providers` are the organisations the person may ask.
 */
export function readDraft(
  form: (name: string) => string,
  providers: readonly string[],
): { draft: ExchangeDraft; errors: DraftError[] } {
  const errors: DraftError[] = [];
  const crn = form('crn').trim().toUpperCase();
  if (!CRN.test(crn)) errors.push({ field: 'crn', message: 'Enter a CRN: one capital letter and six digits' });
  const provider = form('provider');
  if (!providers.includes(provider)) errors.push({ field: 'provider', message: 'Choose who to ask' });
  const purpose = form('purpose');
  if (!(PURPOSES as readonly string[]).includes(purpose))
    errors.push({ field: 'purpose', message: 'Choose the purpose you need the information for' });
  const dataCategories = DATA_CATEGORIES.filter((c) => form(`category-${c}`) !== '');
  if (!dataCategories.length)
    errors.push({ field: 'dataCategories', message: 'Choose at least one kind of information' });
  const justification = form('justification').trim();
  if (!justification) errors.push({ field: 'justification', message: 'Say why you need this information' });
  else if (justification.length > MAX_JUSTIFICATION)
    errors.push({ field: 'justification', message: `Your reason must be ${MAX_JUSTIFICATION} characters or fewer` });
  const urgency = form('urgency');
  if (urgency !== 'ROUTINE' && urgency !== 'URGENT')
    errors.push({ field: 'urgency', message: 'Say whether this is urgent (a recall) or routine' });
  return {
    draft: {
      crn,
      provider,
      purpose,
      dataCategories: [...dataCategories],
      justification,
      urgency: urgency === 'URGENT' ? 'URGENT' : 'ROUTINE',
    },
    errors,
  };
}
