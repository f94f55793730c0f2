import { createParamDecorator, type ExecutionContext } from '@nestjs/common';

/**
 * The request body as received, as text: an `application/jose` body is kept as bytes by the
 * parser (never reinterpreted), so what is verified and stored is exactly what was sent.
 */
export const JoseBody = createParamDecorator((_: unknown, ctx: ExecutionContext): string => {
  const req = ctx.switchToHttp().getRequest<{ rawBody?: Buffer | string; body?: unknown }>();
  const raw = req.rawBody ?? req.body;
  if (Buffer.isBuffer(raw)) return raw.toString('utf8');
  return typeof raw === 'string' ? raw : '';
});
