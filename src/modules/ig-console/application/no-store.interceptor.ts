import { CallHandler, ExecutionContext, Injectable, NestInterceptor } from '@nestjs/common';
import { API_CSP } from '@shared/http/security-headers.js';
import type { Observable } from 'rxjs';

/** The console's JSON is about people and sessions: never cached, never rendered as a document. */
export const CONSOLE_JSON_HEADERS: Readonly<Record<string, string>> = {
  'cache-control': 'no-store',
  'content-security-policy': API_CSP,
};

/**
 * Sets CONSOLE_JSON_HEADERS on the console's JSON routes (app.ts leaves /ig to the console, whose
 * page needs a different policy). IgSessionGuard sets them too, so refusals carry them as well.
 */
@Injectable()
export class NoStoreInterceptor implements NestInterceptor {
  intercept(ctx: ExecutionContext, next: CallHandler): Observable<unknown> {
    const reply = ctx.switchToHttp().getResponse<{ header(name: string, value: string): unknown }>();
    for (const [k, v] of Object.entries(CONSOLE_JSON_HEADERS)) reply.header(k, v);
    return next.handle();
  }
}
