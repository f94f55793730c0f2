import { lookup } from 'node:dns/promises';
import { isIP } from 'node:net';
import { Inject, Injectable } from '@nestjs/common';
import { APP_CONFIG, type AppConfig } from '@config/app.config.js';
import { AllowList, isForbiddenAddress } from '../domain/address-policy.js';

/** Where a delivery may connect: the URL and the one checked address to connect to. */
export interface CheckedTarget {
  url: URL;
  address: string;
  family: 4 | 6;
}

/** Why a URL is refused: a sentence for the client, naming no internal address. */
export class UnsafeUrlError extends Error {}

/**
 * The server-side request forgery check of webhook URLs, at subscription and again before each
 * delivery (DNS answers change). Every address the name resolves to must be allowed, and the
 * delivery connects to one of exactly those addresses (it never resolves the name again), so a
 * rebinding DNS server cannot swap in an internal address between the check and the connection.
 */
@Injectable()
export class UrlGuard {
  private readonly allow: AllowList;

  constructor(@Inject(APP_CONFIG) config: Pick<AppConfig, 'events'>) {
    this.allow = new AllowList(config.events.allowHosts);
  }

  /**
   * Parses and checks `raw`; throws UnsafeUrlError with the reason. A name that does not resolve
   * and one that resolves to a forbidden address are refused in the same words, so the check
   * does not tell a partner which names the gateway's own network knows.
   */
  async check(raw: string): Promise<CheckedTarget> {
    // What WHATWG parsing would silently drop or reinterpret (white space and control characters,
    // a backslash read as a slash) is refused anywhere in the URL: other parsers read it otherwise.
    if ([...raw].some((c) => c <= ' ' || c === '\u007f' || c === '\\'))
      throw new UnsafeUrlError('must not contain white space, control characters or backslashes');
    let url: URL;
    try {
      url = new URL(raw);
    } catch {
      throw new UnsafeUrlError('must be an absolute URL');
    }
    if (url.protocol !== 'https:' && url.protocol !== 'http:') throw new UnsafeUrlError('must use https');
    if (url.username || url.password) throw new UnsafeUrlError('must not carry credentials');
    if (url.port === '0') throw new UnsafeUrlError('must not name port 0');
    const host = url.hostname.replace(/^\[|\]$/g, '').toLowerCase();
    const literal = isIP(host) !== 0;
    const addresses = literal ? [{ address: host, family: isIP(host) as 4 | 6 }] : await resolve(host);
    // A name the operator listed is trusted with whatever it resolves to; otherwise every address counts.
    const namedAllowed = this.allow.hasName(host);
    const allAllowed = namedAllowed || addresses.every((a) => this.allow.hasAddress(a.address));
    if (url.protocol === 'http:' && !allAllowed) throw new UnsafeUrlError('must use https');
    if (!allAllowed && addresses.some((a) => isForbiddenAddress(a.address) && !this.allow.hasAddress(a.address))) {
      throw new UnsafeUrlError(literal ? FORBIDDEN_ADDRESS : FORBIDDEN_NAME);
    }
    return { url, address: addresses[0].address, family: addresses[0].family };
  }
}

const FORBIDDEN_ADDRESS = 'must not be a loopback, link-local, private or reserved address';
const FORBIDDEN_NAME =
  'host must resolve, and only to public addresses (not loopback, link-local, private or reserved)';

async function resolve(host: string): Promise<{ address: string; family: 4 | 6 }[]> {
  try {
    const found = await lookup(host, { all: true, verbatim: true });
    if (!found.length) throw new UnsafeUrlError(FORBIDDEN_NAME);
    return found.map((a) => ({ address: a.address, family: a.family === 6 ? 6 : 4 }));
  } catch (e) {
    if (e instanceof UnsafeUrlError) throw e;
    throw new UnsafeUrlError(FORBIDDEN_NAME);
  }
}
