export { SigningModule } from './signing.module.js';

/** The routes that take HTML form bodies (application/x-www-form-urlencoded). */
export const SIGNING_FORM_ROUTES = [
  '/signing/keys',
  '/signing/keys/:kid/revoke',
  '/signing/keys/:kid/demo-approve',
  '/signing/:id',
  '/requests/new',
  '/requests/new/submit',
] as const;
