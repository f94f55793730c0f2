import {
  RequestMethod,
  CallHandler,
  ExecutionContext,
  Injectable,
  NestInterceptor,
  SetMetadata,
  type INestApplicationContext,
} from '@nestjs/common';
import { METHOD_METADATA, PATH_METADATA, ROUTE_ARGS_METADATA } from '@nestjs/common/constants.js';
import { RouteParamtypes } from '@nestjs/common/enums/route-paramtypes.enum.js';
import { MetadataScanner, ModulesContainer, Reflector } from '@nestjs/core';
import type { Observable } from 'rxjs';
import { DomainException, ValidationException } from '@shared/errors/index.js';

const CONSUMES = 'http:consumes';

/** The media types a route accepts for a non-empty body (default: application/json). */
export const Consumes = (...types: string[]): MethodDecorator => SetMetadata(CONSUMES, types);

/**
 * The paths (Fastify's form, `/case/:crn`) of every route whose handler is marked
 * `@Consumes(type)`: read from the controllers themselves, so marking a handler is all it takes
 * for its body parser to be installed (app.ts installs the form parser on these paths only).
 */
export function routesConsuming(app: INestApplicationContext, type: string): string[] {
  const paths = [...consumesByRoute(app)].filter(([, types]) => types.includes(type)).map(([key]) => key.split(' ')[1]);
  return [...new Set(paths)].sort();
}

/**
 * Every route whose handler says `@Consumes(...)`, keyed `METHOD path` (`POST /exchange-requests`),
 * with the media types it takes (see routesConsuming).
 */
export function consumesByRoute(app: INestApplicationContext): Map<string, string[]> {
  const routes = new Map<string, string[]>();
  for (const { key, handler } of controllerRoutes(app)) {
    const types = Reflect.getMetadata(CONSUMES, handler) as string[] | undefined;
    if (types) routes.set(key, [...new Set([...(routes.get(key) ?? []), ...types])]);
  }
  return routes;
}

/**
 * The routes (keyed as consumesByRoute keys them) whose handlers take no query parameter: no
 * `@Query` argument and no raw request to read one from. On these a query string is refused with
 * 400 like any unknown member, instead of being ignored (`?dryRun=true` on an erasure is not a
 * dry run, and the caller must not think it was).
 */
export function routesTakingNoQuery(app: INestApplicationContext): Set<string> {
  const routes = new Set<string>();
  for (const { key, metatype, name } of controllerRoutes(app)) {
    const args = (Reflect.getMetadata(ROUTE_ARGS_METADATA, metatype, name) ?? {}) as Record<string, unknown>;
    const kinds = Object.keys(args).map((k) => Number(k.split(':')[0]));
    if (!kinds.includes(RouteParamtypes.QUERY) && !kinds.includes(RouteParamtypes.REQUEST)) routes.add(key);
  }
  return routes;
}

/** Every route handler of the application's controllers, keyed `METHOD path` in Fastify's form. */
function* controllerRoutes(
  app: INestApplicationContext,
): Generator<{ key: string; metatype: new (...args: never[]) => unknown; name: string; handler: object }> {
  const scanner = new MetadataScanner();
  for (const mod of app.get(ModulesContainer).values()) {
    for (const { metatype } of mod.controllers.values()) {
      if (typeof metatype !== 'function') continue;
      const proto = metatype.prototype as Record<string, object>;
      // Nest's own list of a controller's methods, inherited ones included.
      for (const name of scanner.getAllMethodNames(proto)) {
        const handler = proto[name];
        const verb = Reflect.getMetadata(METHOD_METADATA, handler) as RequestMethod | undefined;
        if (verb === undefined) continue;
        const method = RequestMethod[verb] ?? 'ALL';
        for (const base of pathsOf(metatype))
          for (const own of pathsOf(handler))
            yield { key: `${method} ${joinPath(base, own)}`, metatype: metatype as never, name, handler };
      }
    }
  }
}

/**
 * Whether a body of `contentType` must be refused (415) on `route` (`METHOD path`, as
 * consumesByRoute keys it) before any parser reads it:
 * the route says what it consumes, and this is not one of them. Without it a JSON body sent to a
 * route that takes only `application/jose` met the JSON parser first, and malformed JSON there was
 * a 400 for what is a wrong media type. Routes that say nothing are left to the parsers (JSON).
 */
export function refusesMediaType(
  consumes: ReadonlyMap<string, readonly string[]>,
  route: string,
  contentType: string | undefined,
): boolean {
  const accepted = consumes.get(route);
  if (!accepted || contentType === undefined) return false;
  return !accepted.includes(contentType.split(';')[0].trim().toLowerCase());
}

function pathsOf(target: object): string[] {
  const p = Reflect.getMetadata(PATH_METADATA, target) as string | string[] | undefined;
  return p === undefined ? [''] : [p].flat();
}

function joinPath(...parts: string[]): string {
  return `/${parts
    .map((x) => x.replace(/^\/+|\/+$/g, ''))
    .filter(Boolean)
    .join('/')}`;
}

/** Refuses a body of a media type the route does not take with 415, before any handler runs. */
@Injectable()
export class ContentTypeInterceptor implements NestInterceptor {
  constructor(private readonly reflector: Reflector) {}

  intercept(ctx: ExecutionContext, next: CallHandler): Observable<unknown> {
    const req = ctx
      .switchToHttp()
      .getRequest<{ headers: Record<string, string | undefined>; rawBody?: Buffer; body?: unknown }>();
    const hasBody = (req.rawBody?.length ?? 0) > 0 || Number(req.headers['content-length'] ?? 0) > 0;
    if (hasBody) {
      const accepted = this.reflector.get<string[] | undefined>(CONSUMES, ctx.getHandler()) ?? ['application/json'];
      const type = (req.headers['content-type'] ?? '').split(';')[0].trim().toLowerCase();
      if (!accepted.includes(type)) {
        throw new DomainException(
          'unsupported_media_type',
          'unsupported_media_type',
          `This route accepts ${accepted.join(' or ')} bodies.`,
        );
      }
    }
    return next.handle();
  }
}

/** A 400 naming each query parameter of a route that takes none, or null when there is no query. */
export function queryRefusal(url: string): ValidationException | null {
  const at = url.indexOf('?');
  if (at < 0 || at === url.length - 1) return null;
  const names = [...new Set([...new URLSearchParams(url.slice(at + 1)).keys()])];
  const errors = names.length
    ? names.map((n) =>
        n
          ? { field: n, message: `unknown field "${n}"` }
          : { field: '(query)', message: 'every query parameter must have a name' },
      )
    : [{ field: '(query)', message: 'this route takes no query parameters' }];
  return new ValidationException(
    errors,
    `This route takes no query parameters: ${errors.map((e) => e.field).join(', ')}.`,
  );
}
