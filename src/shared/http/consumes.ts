import { CallHandler, ExecutionContext, Injectable, NestInterceptor, SetMetadata } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { Observable } from 'rxjs';
import { DomainException } from '@shared/errors/index.js';

const CONSUMES = 'http:consumes';

/** The media types a route accepts for a non-empty body (default: application/json). */
export const Consumes = (...types: string[]): MethodDecorator => SetMetadata(CONSUMES, types);

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
