import type { OrgKind } from '@shared/auth/roles.js';

/** The demonstration partners. Names follow real areas of the North East; nothing else here is real. */
export const DEMO_ORGANISATIONS: { id: string; kind: OrgKind; name: string; region: string; force?: string }[] = [
  { id: 'nps-north-east', kind: 'NPS', name: 'National Probation Service - North East', region: 'North East' },
  { id: 'crc-durham-tees-valley', kind: 'CRC', name: 'Durham Tees Valley CRC', region: 'North East' },
  { id: 'crc-northumbria', kind: 'CRC', name: 'Northumbria CRC', region: 'North East' },
  { id: 'police-cleveland', kind: 'POLICE', name: 'Cleveland Police', region: 'North East', force: 'cleveland' },
  { id: 'police-durham', kind: 'POLICE', name: 'Durham Constabulary', region: 'North East', force: 'durham' },
  { id: 'police-northumbria', kind: 'POLICE', name: 'Northumbria Police', region: 'North East', force: 'northumbria' },
];
