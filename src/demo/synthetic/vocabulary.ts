/**
 * Word lists for synthetic case records. Every person is invented: given names are ordinary,
 * family names are made-up compounds (Crumpetshaw, Teacakeby) so nobody mistakes a record for
 * a real one. Free texts read like practice notes but describe no one.
 */
import type { NeedArea } from '@modules/cases/domain/case.types.js';

export const GIVEN_NAMES = [
  'Aaron',
  'Adam',
  'Aisha',
  'Alex',
  'Amy',
  'Ben',
  'Bethany',
  'Callum',
  'Chloe',
  'Connor',
  'Craig',
  'Danielle',
  'Darren',
  'Dean',
  'Ellie',
  'Emma',
  'Gary',
  'Gemma',
  'Hannah',
  'Imran',
  'Jack',
  'Jade',
  'Jamie',
  'Jason',
  'Jordan',
  'Kayleigh',
  'Keith',
  'Kieran',
  'Kyle',
  'Lauren',
  'Lee',
  'Leanne',
  'Liam',
  'Louise',
  'Mark',
  'Megan',
  'Michael',
  'Mohammed',
  'Nathan',
  'Nicola',
  'Owen',
  'Paul',
  'Rebecca',
  'Reece',
  'Ryan',
  'Sam',
  'Sarah',
  'Scott',
  'Shane',
  'Sophie',
  'Stacey',
  'Stephen',
  'Stuart',
  'Tom',
  'Tyler',
  'Wayne',
  'Zoë',
  'Siobhán',
  "D'Arcy",
  'Anne-Marie',
] as const;

const FAMILY_STEMS = [
  'Crumpet',
  'Teacake',
  'Marmalade',
  'Biscuit',
  'Kettle',
  'Pebble',
  'Thimble',
  'Wobble',
  'Puddle',
  'Muffin',
  'Bramble',
  'Doily',
  'Gherkin',
  'Trifle',
];
const FAMILY_ENDINGS = ['shaw', 'by', 'ington', 'field', 'worth', 'ton', 'combe', 'thorpe'];

/** 112 invented family names. */
export const FAMILY_NAMES: readonly string[] = FAMILY_STEMS.flatMap((s) => FAMILY_ENDINGS.map((e) => s + e));

export const LICENCE_CONDITIONS = [
  'Reside at an address approved by the supervising officer',
  'Curfew 19:00 to 07:00 at the approved address, electronically monitored',
  'Not to contact the victim directly or indirectly',
  'Not to enter the exclusion zone shown on the attached map',
  'Report to the offender manager weekly',
  'Attend and complete an accredited programme as directed',
  'Undergo drug testing as required',
  'Comply with alcohol abstinence monitoring',
  'Disclose any developing intimate relationship to the supervising officer',
  'No unsupervised contact with children under 18',
  'Not to own or use more than one mobile phone, registered with the supervising officer',
  'Not to associate with named individuals',
  'Notify the supervising officer of any change of employment',
  'Not to possess a vehicle without the prior approval of the supervising officer',
  'Attend all appointments with a mental health worker',
] as const;

/** Short practice notes per need area (used for some significant needs). */
export const NEED_NOTES: Record<NeedArea, readonly string[]> = {
  accommodation: [
    'No fixed abode since release; sofa surfing',
    'Tenancy at risk through arrears',
    'Approved premises placement ends next month',
  ],
  educationTrainingEmployability: [
    'Unemployed for over two years; CSCS card course offered',
    'No qualifications; literacy support accepted',
  ],
  finance: ['Significant debts; referred to debt advice', 'Relies on payday loans'],
  relationships: ['Relationship with partner volatile; police called twice', 'Estranged from family'],
  lifestyleAssociates: ['Associates with known offenders in the town centre', 'Gambling linked to offending'],
  drugMisuse: ['Daily heroin use; on a methadone script', 'Crack cocaine use at weekends', 'Cannabis use daily'],
  alcoholMisuse: ['Binge drinking linked to violence', 'Drinks daily from morning'],
  emotionalWellbeing: ['Low mood; engaged with talking therapies', 'History of self-harm'],
  thinkingBehaviour: ['Impulsive; poor consequential thinking', 'Struggles to manage anger when challenged'],
  attitudes: ['Minimises the offence and blames the victim', 'Hostile to supervision'],
};

export const PLAN_ACTIONS = [
  'Weekly supervision appointments',
  'Home visit within 10 working days of any change of address',
  'Referral to substance misuse service',
  'Referral to accommodation provider',
  'Complete Thinking Skills Programme',
  'Complete Building Better Relationships programme',
  'Liaise with IOM police lead monthly',
  'Unannounced home visits',
  'Review with MAPPA panel every 12 weeks',
  'Share intelligence with the police public protection unit',
  'Education, training and employment referral',
  'Debt advice referral',
  'Check victim safety plan with the victim liaison officer',
] as const;

export const HEALTH_NOTES = [
  'Type 2 diabetes, insulin-dependent',
  'Diagnosed depression; under GP care, prescribed an antidepressant',
  'Epilepsy; seizures controlled by medication',
  'Hepatitis C; treatment completed',
  'Diagnosed PTSD following military service',
  'Chronic back pain; prescribed opioid painkillers',
] as const;

export const VICTIM_NOTES = [
  'Former partner (an invented person); lives in the same town; victim liaison in place',
  'Victim is a child known to the family (invented); restraining order in force',
  'Victim was a shop worker (invented); no contact requested',
  'Elderly neighbour (invented) targeted in a burglary; moved address since',
] as const;
