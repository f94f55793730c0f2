// Personal signing keys in the browser (WebCrypto, ECDSA P-256): made non-extractable, kept in
// this origin's IndexedDB, and used to sign compact JWS (ES256) over exactly the bytes a page
// gives. Only a key's public half is ever sent to the gateway. Pages without JavaScript say how
// to sign with the organisation's own tool instead.

const DB = 'gateway-signing-keys';
const STORE = 'keys';
const ECDSA = { name: 'ECDSA', namedCurve: 'P-256' };
const encoder = new TextEncoder();

function base64url(bytes) {
  let s = '';
  for (const b of new Uint8Array(bytes)) s += String.fromCharCode(b);
  return btoa(s).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}

function fromBase64url(text) {
  const s = atob(text.replace(/-/g, '+').replace(/_/g, '/'));
  return Uint8Array.from(s, (c) => c.charCodeAt(0));
}

function database() {
  return new Promise((resolve, reject) => {
    const open = indexedDB.open(DB, 1);
    open.onupgradeneeded = () => open.result.createObjectStore(STORE, { keyPath: 'kid' });
    open.onsuccess = () => resolve(open.result);
    open.onerror = () => reject(open.error);
  });
}

async function withStore(mode, work) {
  const db = await database();
  try {
    return await new Promise((resolve, reject) => {
      const tx = db.transaction(STORE, mode);
      const req = work(tx.objectStore(STORE));
      tx.oncomplete = () => resolve(req.result);
      tx.onerror = () => reject(tx.error);
    });
  } finally {
    db.close();
  }
}

/** The kid the gateway gives a key: "person-" and its RFC 7638 thumbprint. */
async function kidOf(jwk) {
  const canonical = JSON.stringify({ crv: jwk.crv, kty: jwk.kty, x: jwk.x, y: jwk.y });
  return `person-${base64url(await crypto.subtle.digest('SHA-256', encoder.encode(canonical)))}`;
}

/** Makes a key pair whose private half cannot be exported, keeps it, and answers the public JWK and kid. */
export async function makeKey() {
  const pair = await crypto.subtle.generateKey(ECDSA, false, ['sign', 'verify']);
  const full = await crypto.subtle.exportKey('jwk', pair.publicKey);
  const jwk = { kty: full.kty, crv: full.crv, x: full.x, y: full.y };
  const kid = await kidOf(jwk);
  await withStore('readwrite', (s) => s.put({ kid, privateKey: pair.privateKey, madeAt: new Date().toISOString() }));
  return { kid, jwk };
}

export async function heldKids() {
  return withStore('readonly', (s) => s.getAllKeys());
}

/** A compact JWS (ES256) over `payload` (bytes) with key `kid`; WebCrypto's ECDSA signature is r||s, as JWS wants. */
export async function signCompact(kid, payload, extraHeader = {}) {
  const held = await withStore('readonly', (s) => s.get(kid));
  if (!held) throw new Error('this browser does not hold that key');
  const input = `${base64url(encoder.encode(JSON.stringify({ alg: 'ES256', kid, ...extraHeader })))}.${base64url(payload)}`;
  const signature = await crypto.subtle.sign(
    { name: 'ECDSA', hash: 'SHA-256' },
    held.privateKey,
    encoder.encode(input),
  );
  return `${input}.${base64url(signature)}`;
}

function say(el, text) {
  if (el) el.textContent = text;
}

function wireMakeKey() {
  const form = document.getElementById('make-key-form');
  if (!form) return;
  const status = document.getElementById('make-key-status');
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    try {
      say(status, 'Making your key…');
      const { jwk } = await makeKey();
      form.querySelector('input[name="jwk"]').value = JSON.stringify(jwk);
      form.submit();
    } catch (e) {
      say(status, `Your key could not be made in this browser: ${e instanceof Error ? e.message : String(e)}.`);
    }
  });
}

async function markHeldKeys() {
  const marks = document.querySelectorAll('[data-kid-in-browser]');
  if (!marks.length) return;
  const held = new Set(await heldKids());
  for (const el of marks)
    if (held.has(el.dataset.kidInBrowser)) el.textContent = `${el.textContent}. Held in this browser.`;
}

function wireSignForms() {
  for (const form of document.querySelectorAll('form[data-sign-payload]')) {
    const status = form.querySelector('[role="status"]');
    form.addEventListener('submit', async (event) => {
      event.preventDefault();
      try {
        const kids = (form.dataset.signKids || '').split(' ').filter(Boolean);
        const held = new Set(await heldKids());
        const kid = kids.find((k) => held.has(k));
        if (!kid) {
          say(
            status,
            'This browser holds none of your approved signing keys. Make one on your signing keys page, or paste a signature made by your organisation’s tool below.',
          );
          return;
        }
        say(status, 'Signing…');
        const header = form.dataset.signTyp ? { typ: form.dataset.signTyp } : {};
        const jws = await signCompact(kid, fromBase64url(form.dataset.signPayload), header);
        form.querySelector('input[name="jws"]').value = jws;
        form.submit();
      } catch (e) {
        say(status, `Signing failed: ${e instanceof Error ? e.message : String(e)}.`);
      }
    });
  }
}

wireMakeKey();
wireSignForms();
void markHeldKeys();
