import { timingSafeEqual } from 'node:crypto';
import { Body, Controller, Get, Header, HttpCode, Inject, Param, Post, Query, Req, Res } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { FORM } from '@shared/http/form-body.js';
import { sourcePath } from '@shared/core/source-root.js';
import { APP_CONFIG, type AppConfig } from '@config/app.config.js';
import { Public } from '@shared/auth/decorators.js';
import { ukTime } from '@shared/domain/plain-words.js';
import { ValidationException } from '@shared/errors/index.js';
import { Consumes } from '@shared/http/consumes.js';
import { PAGE_CSP, type Pages } from '@modules/web/index.js';
import { asPage, personPages } from './person-page-kit.js';
import { returnPath, SignInRefused, SignInService } from '../application/sign-in.service.js';
import { SignedInPeople, type SignedInPerson } from '../application/signed-in-people.js';
import { PERSON_SESSION_COOKIE, SIGN_IN_ATTEMPT_TTL_MS, type PersonSession } from '../domain/person-session.js';
import { tasksFor } from '../domain/person-tasks.js';

/**
 * Sign-in for people through their organisation's identity provider, their account page and
 * sign-out (pages), and the IdPs' back-channel logout. The session cookie is host-only, HttpOnly,
 * Secure and SameSite=Lax (it must come back on the IdP's top-level redirect).
 */
@Public()
@ApiExcludeController()
@Controller()
export class SignInController {
  private readonly pages: Pages;

  constructor(
    private readonly signIn: SignInService,
    private readonly people: SignedInPeople,
    @Inject(APP_CONFIG) config: AppConfig,
  ) {
    this.pages = personPages(config.demo, [sourcePath('modules/people/views/')]);
  }

  @Get('sign-in')
  @Header('content-type', 'text/html; charset=utf-8')
  @Header('cache-control', 'no-store')
  @Header('content-security-policy', PAGE_CSP)
  async choose(@Query('next') next: unknown): Promise<string> {
    const providers = await this.signIn.providers();
    const back = returnPath(next);
    const query = back ? `?next=${encodeURIComponent(back)}` : '';
    return this.pages.render('sign-in.njk', {
      title: 'Sign in',
      providers: providers.map((p) => ({ href: `/sign-in/${encodeURIComponent(p.orgId)}${query}`, text: p.orgName })),
    });
  }

  @Get('sign-in/callback')
  async callback(@Req() req: FastifyRequest, @Res() reply: FastifyReply): Promise<void> {
    const url = new URL(req.url, origin(req));
    const state = url.searchParams.get('state') ?? '';
    const cookie = signInCookie(state);
    const started = cookie ? req.cookies[cookie] : undefined;
    try {
      // Only in the browser that began it: a callback link sent to someone else would otherwise
      // sign them in as the sender, and log their searches under the sender's name.
      if (!cookie || !started || !sameText(state, started))
        throw new SignInRefused('This sign-in was started in another browser, or has expired. Please sign in again.');
      // This attempt's cookie only: another sign-in begun in this browser (another tab) keeps its own.
      reply.clearCookie(cookie, { ...COOKIE });
      const { id, expiresAt, returnTo } = await this.signIn.finish(url);
      reply.setCookie(PERSON_SESSION_COOKIE, id, { ...COOKIE, expires: expiresAt });
      await reply.redirect(returnTo ?? '/home', 303);
    } catch (e) {
      await this.refused(reply, e);
    }
  }

  /** The contract's way in (docs/api.md, Pages): `?org=<id>` names the organisation; `next`, a page to return to. */
  @Get('auth/sign-in')
  async beginByQuery(
    @Query('org') org: unknown,
    @Query('next') next: unknown,
    @Req() req: FastifyRequest,
    @Res() reply: FastifyReply,
  ): Promise<void> {
    if (typeof org !== 'string' || !org) {
      asPage(reply, 400).send(
        this.pages.render('problem.njk', {
          title: 'Choose your organisation',
          message: 'This sign-in link names no organisation. Choose yours on the sign-in page.',
        }),
      );
      return;
    }
    await this.begin(org, next, req, reply);
  }

  @Get('sign-in/:org')
  async begin(
    @Param('org') org: string,
    @Query('next') next: unknown,
    @Req() req: FastifyRequest,
    @Res() reply: FastifyReply,
  ): Promise<void> {
    try {
      const url = await this.signIn.begin(org, `${origin(req)}/sign-in/callback`, new Date(), returnPath(next));
      // The attempt's state, kept by this browser for the callback to match (see callback).
      const state = url.searchParams.get('state') ?? '';
      const cookie = signInCookie(state);
      if (cookie) reply.setCookie(cookie, state, { ...COOKIE, maxAge: SIGN_IN_ATTEMPT_TTL_MS / 1000 });
      await reply.header('cache-control', 'no-store').redirect(url.href, 303);
    } catch (e) {
      await this.refused(reply, e);
    }
  }

  /** Where a sign-in lands: the pages this person's roles let them use. */
  @Get('home')
  async home(@Req() req: FastifyRequest, @Res() reply: FastifyReply): Promise<void> {
    const person = await this.people.of(req);
    if (!person) {
      await reply.header('cache-control', 'no-store').redirect('/sign-in', 303);
      return;
    }
    const s = person.session;
    asPage(reply, 200).send(
      this.pages.render('home.njk', {
        title: 'Home',
        name: s.name ?? s.sub,
        organisation: s.orgName,
        tasks: tasksFor(s.orgKind, s.roles),
      }),
    );
  }

  @Get('account')
  async account(@Req() req: FastifyRequest, @Res() reply: FastifyReply): Promise<void> {
    const person = await this.people.of(req);
    if (!person) {
      await reply.header('cache-control', 'no-store').redirect('/sign-in', 303);
      return;
    }
    asPage(reply, 200).send(
      this.pages.render('account.njk', {
        title: 'Your account',
        person: describe(person.session),
        formToken: person.formToken,
      }),
    );
  }

  @Post('sign-out')
  @Consumes(FORM)
  async signOut(@Req() req: FastifyRequest, @Body() body: unknown, @Res() reply: FastifyReply): Promise<void> {
    const found: SignedInPerson | null = await this.people.of(req);
    if (found && !found.formCameFromSession(body)) {
      asPage(reply, 400).send(
        this.pages.render('problem.njk', {
          title: 'Sign-out not confirmed',
          message: 'This sign-out did not come from your account page. Sign out from there.',
        }),
      );
      return;
    }
    const id = req.cookies[PERSON_SESSION_COOKIE];
    if (found && id) await this.signIn.signOut(id);
    reply.clearCookie(PERSON_SESSION_COOKIE, COOKIE);
    // A page that offers signing out at the organisation's IdP too (a link: the pages' CSP lets a
    // form post go nowhere but here, and the person decides).
    const next = found ? `/signed-out?org=${encodeURIComponent(found.session.org)}` : '/';
    await reply.header('cache-control', 'no-store').redirect(next, 303);
  }

  /**
   * After sign-out: says so, and links the organisation's IdP's end-session endpoint (OpenID
   * Connect RP-Initiated Logout, back to the start page) where it has one, since the person may
   * still be signed in there. `org` only chooses which IdP the link names: its registration is
   * read (an unknown id finds none and gets no link), nothing is changed.
   */
  @Get('signed-out')
  async signedOut(@Req() req: FastifyRequest, @Query('org') org: unknown, @Res() reply: FastifyReply): Promise<void> {
    const endSession = typeof org === 'string' ? await this.signIn.endSessionUrl(org, `${origin(req)}/`) : null;
    asPage(reply, 200).send(
      this.pages.render('signed-out.njk', {
        title: 'You have signed out',
        orgName: endSession?.orgName ?? '',
        endSession: endSession?.url.href ?? '',
      }),
    );
  }

  /** OpenID Connect Back-Channel Logout 1.0 (form-encoded logout_token; 200 done, 400 refused). */
  @Post('sign-in/:org/backchannel-logout')
  @Consumes(FORM)
  @HttpCode(200)
  @Header('cache-control', 'no-store')
  async backChannelLogout(@Param('org') org: string, @Body() body: unknown): Promise<{ ended: number }> {
    const token = (body as { logout_token?: unknown } | undefined)?.logout_token;
    if (typeof token !== 'string' || !token)
      throw new ValidationException([{ field: 'logout_token', message: 'is required' }]);
    try {
      return { ended: await this.signIn.backChannelLogout(org, token) };
    } catch (e) {
      if (e instanceof SignInRefused) throw new ValidationException([{ field: 'logout_token', message: e.message }]);
      throw e;
    }
  }

  private async refused(reply: FastifyReply, e: unknown): Promise<void> {
    if (!(e instanceof SignInRefused)) throw e;
    asPage(reply, 400).send(this.pages.render('problem.njk', { title: 'You are not signed in', message: e.message }));
    await Promise.resolve();
  }
}

const COOKIE = { path: '/', httpOnly: true, secure: true, sameSite: 'lax' as const };
/** Prefix of the cookies holding the state of a sign-in this browser began (host-only, like the session's). */
const SIGN_IN_COOKIE = '__Host-gateway-sign-in';

/**
 * The cookie of the attempt whose state is `state`: one per attempt (named by the state's first
 * characters), so that sign-ins begun in two tabs each keep theirs. Null for a state that is not
 * one the gateway makes (43 base64url characters).
 */
function signInCookie(state: string): string | null {
  return /^[A-Za-z0-9_-]{43}$/.test(state) ? `${SIGN_IN_COOKIE}-${state.slice(0, 12)}` : null;
}

function sameText(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

/** The origin the browser used (the redirect URI registered with the IdP must match it). */
function origin(req: FastifyRequest): string {
  return `${req.protocol}://${req.host}`;
}

function describe(s: PersonSession) {
  return {
    name: s.name ?? s.sub,
    organisation: s.orgName,
    roles: s.roles.join(', '),
    attributes: Object.entries(s.attributes).map(([k, v]) => ({ key: k, value: v })),
    identityProvider: s.issuer,
    subject: s.sub,
    signedInAt: ukTime(s.createdAt),
    endsBy: ukTime(s.expiresAt),
  };
}
