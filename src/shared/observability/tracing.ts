import { randomUUID } from 'node:crypto';
import {
  ROOT_CONTEXT,
  SpanKind,
  SpanStatusCode,
  isSpanContextValid,
  trace,
  type Span,
  type TextMapGetter,
  type Tracer,
} from '@opentelemetry/api';
import { W3CTraceContextPropagator } from '@opentelemetry/core';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { BatchSpanProcessor, TracerProvider } from '@opentelemetry/sdk-trace';

type Headers = Record<string, string | string[] | undefined>;

const headerGetter: TextMapGetter<Headers> = {
  get: (carrier, key) => carrier[key],
  keys: (carrier) => Object.keys(carrier),
};
const propagator = new W3CTraceContextPropagator();

/** The trace a request belongs to: its id for the logs, and its span when tracing is exported. */
export interface RequestTrace {
  traceId: string;
  span?: Span;
}

/**
 * W3C trace context (`traceparent`) for every request, and OpenTelemetry server spans exported
 * over OTLP/HTTP when OTEL_EXPORTER_OTLP_ENDPOINT is set. A valid incoming `traceparent` is
 * continued (same trace id; the span's parent is the caller's); an invalid or absent one starts a
 * new trace. Without an endpoint no exporter, processor or timer exists: only ids are made.
 */
export class Tracing {
  private constructor(
    private readonly provider: TracerProvider | undefined,
    private readonly tracer: Tracer | undefined,
  ) {}

  static create(opts: { otlpEndpoint: string | undefined; serviceName: string }): Tracing {
    if (!opts.otlpEndpoint) return new Tracing(undefined, undefined);
    const base = opts.otlpEndpoint.endsWith('/') ? opts.otlpEndpoint : `${opts.otlpEndpoint}/`;
    const provider = new TracerProvider({
      resource: resourceFromAttributes({ 'service.name': opts.serviceName }),
      spanProcessors: [
        new BatchSpanProcessor({ exporter: new OTLPTraceExporter({ url: new URL('v1/traces', base).toString() }) }),
      ],
    });
    return new Tracing(provider, provider.getTracer('probation-gateway'));
  }

  get exporting(): boolean {
    return this.provider !== undefined;
  }

  /** Starts the request's trace from its headers; `name` is the span name (method and route). */
  startRequest(headers: Headers, name: string, attributes: Record<string, string>): RequestTrace {
    const parent = propagator.extract(ROOT_CONTEXT, headers, headerGetter);
    if (this.tracer) {
      const span = this.tracer.startSpan(name, { kind: SpanKind.SERVER, attributes }, parent);
      return { traceId: span.spanContext().traceId, span };
    }
    const incoming = trace.getSpanContext(parent);
    if (incoming && isSpanContextValid(incoming)) return { traceId: incoming.traceId };
    // A version-4 UUID's last 7 bytes are random, as W3C Trace Context level 2 asks of a new trace
    // id; randomUUID draws from a cached pool (randomBytes(16) cost 7 µs a request here).
    return { traceId: randomUUID().replaceAll('-', '') };
  }

  endRequest(t: RequestTrace, status: number): void {
    if (!t.span) return;
    t.span.setAttribute('http.response.status_code', status);
    if (status >= 500) t.span.setStatus({ code: SpanStatusCode.ERROR });
    t.span.end();
  }

  /** Exports what is buffered and stops the exporter. */
  async shutdown(): Promise<void> {
    await this.provider?.shutdown();
  }
}
