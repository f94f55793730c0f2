import { ArgumentsHost, Catch, ExceptionFilter, HttpException, Inject, Optional } from '@nestjs/common';
import { DomainException, problemType, statusOf, type ProblemDocument } from '@shared/errors/index.js';
import { isDatabaseUnavailable } from '@shared/database/db-errors.js';
import { JsonLogger } from '@shared/observability/json-logger.js';
import { ProblemPages, wantsPage } from './problem-pages.js';

interface ReplyLike {
  sent?: boolean;
  raw?: { headersSent?: boolean };
  status(code: number): ReplyLike;
  header(name: string, value: string): ReplyLike;
  send(body: string): unknown;
}

const FASTIFY_CODES: Record<
  string,
  { status: number; code: string; detail: string; errors?: { field: string; message: string }[] }
> = {
  FST_ERR_CTP_BODY_TOO_LARGE: {
    status: 413,
    code: 'payload_too_large',
    detail: 'The request body is larger than this gateway accepts.',
  },
  FST_ERR_CTP_INVALID_MEDIA_TYPE: {
    status: 415,
    code: 'unsupported_media_type',
    detail: 'This content type is not accepted here.',
  },
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: {
    status: 400,
    code: 'invalid_content_length',
    detail: 'The Content-Length header does not match the body.',
  },
  FST_ERR_CTP_EMPTY_JSON_BODY: {
    status: 400,
    code: 'invalid_json',
    detail: 'The body is empty but Content-Type says JSON.',
  },
  FST_ERR_CTP_INVALID_JSON_BODY: { status: 400, code: 'invalid_json', detail: 'The body is not valid JSON.' },
  FST_ERR_CTP_INVALID_TYPE: {
    status: 415,
    code: 'unsupported_media_type',
    detail: 'The Content-Type header is invalid.',
  },
  // The router could not decode the path (a percent-encoding that is not UTF-8, e.g. %FF or an encoded surrogate).
  FST_ERR_BAD_URL: {
    status: 400,
    code: 'validation_failed',
    detail: 'The request path is not percent-encoded UTF-8.',
    errors: [{ field: 'path', message: 'must be percent-encoded UTF-8' }],
  },
};

/**
 * Turns any error into an RFC 9457 problem document. Only coded domain exceptions and known
 * framework errors say what went wrong; everything else is a generic 500 whose details go to
 * the log, never to the client.
 */
export function toProblem(
  err: unknown,
  requestId: string | undefined,
  logger?: JsonLogger,
): { status: number; body: ProblemDocument; retryAfter?: number } {
  if (err instanceof DomainException) {
    const { status, title } = statusOf(err.kind);
    const body: ProblemDocument = {
      type: problemType(err.code),
      title: err.options.title ?? title,
      status,
      detail: err.detail,
      requestId,
    };
    if (err.options.errors) body.errors = err.options.errors;
    return { status, body, retryAfter: err.options.retryAfterSeconds };
  }
  const e = err as {
    code?: string;
    statusCode?: number;
    message?: string;
    name?: string;
    type?: string;
    cause?: { code?: string };
  };
  // Fastify's parser errors arrive bare or wrapped in an HttpException whose cause holds the code.
  const fst = typeof e?.code === 'string' ? e.code : typeof e?.cause?.code === 'string' ? e.cause.code : undefined;
  if (fst && FASTIFY_CODES[fst]) {
    const m = FASTIFY_CODES[fst];
    return {
      status: m.status,
      body: {
        type: problemType(m.code),
        title: statusTitle(m.status),
        status: m.status,
        detail: m.detail,
        requestId,
        ...(m.errors ? { errors: m.errors } : {}),
      },
    };
  }
  // Body parser errors (SyntaxError from JSON.parse, prototype-poisoning refusals) carry statusCode 400.
  if (
    (e?.statusCode === 400 || (err instanceof HttpException && err.getStatus() === 400)) &&
    (e.name === 'SyntaxError' || /JSON|prototype|constructor/i.test(e.message ?? ''))
  ) {
    return {
      status: 400,
      body: {
        type: problemType('invalid_json'),
        title: 'Invalid request',
        status: 400,
        detail: 'The body is not acceptable JSON (syntax error, or a forbidden __proto__/constructor key).',
        requestId,
      },
    };
  }
  if (err instanceof HttpException) {
    const status = err.getStatus();
    const detail =
      status === 404 ? 'No such route.' : status < 500 ? err.message : 'The request could not be completed.';
    return {
      status,
      body: {
        type: problemType(status === 404 ? 'route_not_found' : `http_${status}`),
        title: statusTitle(status),
        status,
        detail,
        requestId,
      },
    };
  }
  if (e && typeof e.statusCode === 'number' && e.statusCode >= 400 && e.statusCode < 500) {
    return {
      status: e.statusCode,
      body: {
        type: problemType(`http_${e.statusCode}`),
        title: statusTitle(e.statusCode),
        status: e.statusCode,
        detail: 'The request was refused.',
        requestId,
      },
    };
  }
  if (isDatabaseUnavailable(err)) {
    logger?.event('warn', 'database unavailable', { error: e?.message, code: e?.code });
    return {
      status: 503,
      body: {
        type: problemType('database_unavailable'),
        title: 'Service unavailable',
        status: 503,
        detail: 'The database is unavailable; nothing was changed or released. Retry shortly.',
        requestId,
      },
      retryAfter: 5,
    };
  }
  logger?.event('error', 'unhandled error', {
    error: err instanceof Error ? { name: err.name, message: err.message, stack: err.stack } : String(err),
  });
  return {
    status: 500,
    body: {
      type: problemType('internal_error'),
      title: 'Internal error',
      status: 500,
      detail: 'The gateway failed to handle this request; nothing was released.',
      requestId,
    },
  };
}

export function statusTitle(status: number): string {
  const titles: Record<number, string> = {
    400: 'Invalid request',
    401: 'Not authenticated',
    403: 'Forbidden',
    404: 'Not found',
    405: 'Method not allowed',
    406: 'Not acceptable',
    408: 'Request timeout',
    409: 'Conflict',
    413: 'Payload too large',
    414: 'URI too long',
    415: 'Unsupported media type',
    429: 'Too many requests',
    431: 'Request header fields too large',
    503: 'Service unavailable',
  };
  return titles[status] ?? (status >= 500 ? 'Internal error' : 'Request refused');
}

export function sendProblem(reply: ReplyLike, p: { status: number; body: ProblemDocument; retryAfter?: number }): void {
  if (reply.sent || reply.raw?.headersSent) return;
  reply
    .status(p.status)
    .header('content-type', 'application/problem+json; charset=utf-8')
    .header('cache-control', 'no-store');
  if (p.retryAfter) reply.header('retry-after', String(p.retryAfter));
  if (p.status === 401) reply.header('www-authenticate', 'Bearer realm="probation-gateway"');
  reply.send(JSON.stringify(p.body));
}

/**
 * The one exception filter: every error a handler, guard or pipe throws leaves as problem+json,
 * or, to a person's browser asking for a page, as a page saying the same (see ProblemPages).
 */
@Catch()
export class ProblemFilter implements ExceptionFilter {
  constructor(
    @Inject(JsonLogger) private readonly logger: JsonLogger,
    @Optional() @Inject(ProblemPages) private readonly pages?: ProblemPages,
  ) {}

  catch(err: unknown, host: ArgumentsHost): void {
    const ctx = host.switchToHttp();
    const req = ctx.getRequest<{ id?: string; url?: string; method?: string; headers?: Record<string, string> }>();
    const reply = ctx.getResponse<ReplyLike>();
    const problem = toProblem(err, req?.id, this.logger);
    if (this.pages && req && wantsPage(req) && !reply.sent && !reply.raw?.headersSent) {
      const { status, title, detail } = problem.body;
      return this.pages.send(reply, { status, title, detail, retryAfter: problem.retryAfter });
    }
    sendProblem(reply, problem);
  }
}
