export { OfficerPagesModule } from './officer-pages.module.js';

/** The routes that take HTML form bodies (application/x-www-form-urlencoded). */
export const OFFICER_FORM_ROUTES = ['/find-a-person', '/cohort', '/case/:crn'] as const;
