export {
  crnAt,
  generateCase,
  generateCases,
  startOfTodayUtc,
  DEFAULT_FORCES_BY_ORG,
  type GeneratorOptions,
  type SyntheticAssessment,
  type SyntheticCase,
  type SyntheticOrganisation,
} from './generator.js';
export {
  bulkInsertCases,
  ensureOrganisationRows,
  analyseCaseTables,
  type BulkInsertOptions,
  type BulkInsertResult,
} from './bulk-insert.js';
export { progressBar, renderProgress, formatDuration, type ProgressBar } from './progress.js';
export { Random, mulberry32, mix32, streamSeed } from './prng.js';
