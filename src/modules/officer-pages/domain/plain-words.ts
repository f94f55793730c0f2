/** Why a field was withheld, in plain words (see WithheldBecause in the cases module). */
export function withheldWhy(because: 'policy' | 'agreement' | 'condition', purpose: string, manager: string): string {
  if (because === 'policy') return `The sharing policy does not give this to your role for ${purpose}.`;
  if (because === 'condition')
    return `The data-sharing agreement with ${manager} names this special category data without the condition it needs.`;
  return `No active data-sharing agreement between ${manager} and your organisation covers it for ${purpose}.`;
}

/** RoSH levels (risk of serious harm), as OASys defines them. */
export const ROSH_WORDS: Record<string, string> = {
  LOW: 'No significant indicators of risk of serious harm.',
  MEDIUM:
    'Identifiable indicators of risk of serious harm; the person could cause serious harm but is unlikely to unless circumstances change.',
  HIGH: 'Identifiable indicators of risk of serious harm; the harmful event could happen at any time and the impact would be serious.',
  VERY_HIGH: 'An imminent risk of serious harm; the harmful event is more likely than not to happen imminently.',
};

/** OGRS3 bands of the two-year proven reoffending probability (docs/domain.md). */
export const OGRS3_BAND_WORDS: Record<string, string> = {
  LOW: 'Less than 50% likely to be proven to reoffend within two years.',
  MEDIUM: '50% to 74% likely to be proven to reoffend within two years.',
  HIGH: '75% to 89% likely to be proven to reoffend within two years.',
  VERY_HIGH: '90% or more likely to be proven to reoffend within two years.',
};

export const LEVEL_TEXT: Record<string, string> = {
  LOW: 'Low',
  MEDIUM: 'Medium',
  HIGH: 'High',
  VERY_HIGH: 'Very high',
};

export const SEVERITY_TEXT: Record<string, string> = {
  NONE: 'No need',
  SOME: 'Some need',
  SIGNIFICANT: 'Significant need',
};
