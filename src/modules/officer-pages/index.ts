export { OfficerPagesModule } from './officer-pages.module.js';
