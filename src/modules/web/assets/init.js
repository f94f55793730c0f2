// Marks the page as able to run GOV.UK Frontend's components (the template's inline script does
// this on GOV.UK; the gateway's CSP allows no inline script), then starts them.
import { initAll } from '/assets/govuk/govuk-frontend.min.js';

document.body.classList.add('js-enabled');
if ('noModule' in HTMLScriptElement.prototype) document.body.classList.add('govuk-frontend-supported');
initAll();
