import type { LoggerService } from '@nestjs/common';
import type { LogLevel } from '@config/app.config.js';
import { requestContext } from './request-context.js';

const ORDER: Record<LogLevel, number> = { error: 0, warn: 1, info: 2, debug: 3 };

/** Keys whose values are never written, whatever a caller passes. */
const SECRET_KEYS = /^(authorization|token|jws|jwt|password|secret|d|privateKey|key|cookie|body|person|data)$/i;

function scrub(value: unknown, depth = 0): unknown {
  if (depth > 4 || value === null || typeof value !== 'object') return value;
  if (value instanceof Error) return { name: value.name, message: value.message, stack: value.stack };
  if (Array.isArray(value)) return value.slice(0, 20).map((v) => scrub(v, depth + 1));
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value)) out[k] = SECRET_KEYS.test(k) ? '[redacted]' : scrub(v, depth + 1);
  return out;
}

/**
 * Structured JSON logs, one object per line on stdout, with the request id of the current
 * request. Fields that could hold credentials or case data are redacted by name.
 */
export class JsonLogger implements LoggerService {
  constructor(
    private readonly level: LogLevel = 'info',
    private readonly write: (line: string) => void = (l) => process.stdout.write(l + '\n'),
  ) {}

  private emit(level: LogLevel, message: unknown, context?: string, extra?: Record<string, unknown>): void {
    if (ORDER[level] > ORDER[this.level]) return;
    const ctx = requestContext.getStore();
    const entry: Record<string, unknown> = { time: new Date().toISOString(), level };
    if (context) entry.context = context;
    if (ctx?.requestId) entry.requestId = ctx.requestId;
    if (ctx?.traceId) entry.traceId = ctx.traceId;
    if (typeof message === 'object' && message !== null && !(message instanceof Error))
      Object.assign(entry, scrub(message));
    else entry.msg = message instanceof Error ? message.message : String(message);
    if (extra) Object.assign(entry, scrub(extra));
    this.write(JSON.stringify(entry));
  }

  log(message: unknown, context?: string): void {
    this.emit('info', message, typeof context === 'string' ? context : undefined);
  }
  info(message: unknown, extra?: Record<string, unknown>): void {
    this.emit('info', message, undefined, extra);
  }
  error(message: unknown, traceOrContext?: unknown, context?: string): void {
    const extra = typeof traceOrContext === 'string' && context ? { stack: traceOrContext } : undefined;
    this.emit(
      'error',
      message,
      context ?? (typeof traceOrContext === 'string' && !context ? traceOrContext : undefined),
      extra,
    );
  }
  warn(message: unknown, context?: string): void {
    this.emit('warn', message, typeof context === 'string' ? context : undefined);
  }
  debug(message: unknown, context?: string): void {
    this.emit('debug', message, typeof context === 'string' ? context : undefined);
  }
  verbose(message: unknown, context?: string): void {
    this.emit('debug', message, typeof context === 'string' ? context : undefined);
  }
  /** A structured event: `logger.event('info', 'request', { status, ms })`. */
  event(level: LogLevel, msg: string, fields: Record<string, unknown>): void {
    this.emit(level, msg, undefined, fields);
  }
}
