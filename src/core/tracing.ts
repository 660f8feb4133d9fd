/**
 * OpenTelemetry traces through `@opentelemetry/api` only: a no-op until the
 * application registers an SDK (or Deno's built-in OpenTelemetry is on).
 * Spans follow the OpenTelemetry messaging semantic conventions: a
 * `send <queue>` PRODUCER span per enqueued job and a `process <queue>`
 * CONSUMER span per attempt, the latter a child of the former across
 * processes through the W3C `traceparent` stored with the job.
 *
 * @module
 */

import {
  type Attributes,
  type Context,
  context,
  ProxyTracerProvider,
  type Span,
  SpanKind,
  SpanStatusCode,
  trace,
  type Tracer,
} from "@opentelemetry/api";
import { TRACEPARENT } from "./traceparent.ts";

/** The name (instrumentation scope) of Repid's tracer. */
export const TRACER_NAME = "repid";

/** `messaging.system` of Repid's spans. */
export const MESSAGING_SYSTEM = "repid";

/**
 * Repid's tracer, got once: the API's tracer delegates to the SDK that the
 * application registers, even later (and is a no-op until then).
 */
let cachedTracer: Tracer | undefined;

function tracer(): Tracer {
  return cachedTracer ??= trace.getTracer(TRACER_NAME);
}

/**
 * Starts the `send <queue>` PRODUCER span of a job being enqueued, a child
 * of the active span. Returns it with the job's `traceparent`, or
 * `undefined` for the latter when no SDK records the span.
 */
export function startSendSpan(
  queue: string,
  id: string,
  actor: string,
): { span: Span; traceparent: string | undefined } {
  const attributes: Attributes = {
    "messaging.system": MESSAGING_SYSTEM,
    "messaging.destination.name": queue,
    "messaging.operation.type": "send",
    "messaging.operation.name": "send",
    "messaging.message.id": id,
    "repid.actor": actor,
  };
  const span = tracer().startSpan(`send ${queue}`, { kind: SpanKind.PRODUCER, attributes });
  return { span, traceparent: toTraceparent(span) };
}

/**
 * Starts the `process <queue>` CONSUMER span of one attempt: a child of
 * the producer's span when the job carries its `traceparent`.
 */
export function startProcessSpan(
  queue: string,
  id: string,
  actor: string,
  attempt: number,
  traceparent: string | undefined,
): Span {
  const attributes: Attributes = {
    "messaging.system": MESSAGING_SYSTEM,
    "messaging.destination.name": queue,
    "messaging.operation.type": "process",
    "messaging.operation.name": "process",
    "messaging.message.id": id,
    "repid.actor": actor,
    "repid.attempt": attempt,
  };
  const options = { kind: SpanKind.CONSUMER, attributes };
  return traceparent === undefined
    ? tracer().startSpan(`process ${queue}`, options)
    : tracer().startSpan(`process ${queue}`, options, remoteContext(traceparent));
}

/**
 * Whether `span` belongs to a trace (an SDK started it, or it continues a
 * trace it was given), so that the work it covers should run inside it.
 */
export function hasTraceContext(span: Span): boolean {
  return trace.isSpanContextValid(span.spanContext());
}

/** The API's own no-op provider: the delegate of its global provider until an SDK is registered. */
const NOOP_PROVIDER = new ProxyTracerProvider().getDelegate();

/**
 * Whether a span started now would be a no-op without trace context: no SDK
 * is registered (the global provider still delegates to the API's no-op
 * one) and no active span is there to continue (the no-op tracer would give
 * its context). Then send spans can be skipped, as they change nothing.
 */
export function spansAreNoop(): boolean {
  const parent = trace.getSpanContext(context.active());
  if (parent !== undefined && trace.isSpanContextValid(parent)) return false;
  const provider = trace.getTracerProvider();
  return provider instanceof ProxyTracerProvider && provider.getDelegate() === NOOP_PROVIDER;
}

/**
 * Whether `span` is the no-op span of an API with no SDK and no trace to
 * continue: not recording and without a valid context (so ending it, or
 * recording on it, does nothing, and it gives no `traceparent`).
 */
export function isNoopSpan(span: Span): boolean {
  return !span.isRecording() && !trace.isSpanContextValid(span.spanContext());
}

/** Runs `fn` with `span` as the active span (so that spans the actor starts are its children). */
export function withSpan<T>(span: Span, fn: () => T): T {
  return span.isRecording() ? context.with(trace.setSpan(context.active(), span), fn) : fn();
}

/** Ends `span`, recording `error` on it (its exception event and an error status) when given. */
export function endSpan(
  span: Span,
  error?: { name: string; message: string; stack?: string },
): void {
  if (error) {
    span.recordException({ name: error.name, message: error.message, stack: error.stack });
    span.setStatus({ code: SpanStatusCode.ERROR, message: error.message });
    span.setAttribute("error.type", error.name);
  }
  span.end();
}

/**
 * The W3C `traceparent` of `span`, or `undefined` when its context is not
 * valid (no SDK records it).
 *
 * @example
 * ```ts
 * import { trace } from "@opentelemetry/api";
import { TRACEPARENT } from "./traceparent.ts";
 * import { toTraceparent } from "./tracing.ts";
 *
 * const span = trace.wrapSpanContext({
 *   traceId: "4bf92f3577b34da6a3ce929d0e0e4736",
 *   spanId: "00f067aa0ba902b7",
 *   traceFlags: 1,
 * });
 * console.log(toTraceparent(span)); // "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01"
 * ```
 */
export function toTraceparent(span: Span): string | undefined {
  const c = span.spanContext();
  if (!trace.isSpanContextValid(c)) return undefined;
  return `00-${c.traceId}-${c.spanId}-${(c.traceFlags & 0xff).toString(16).padStart(2, "0")}`;
}

/** The active context with the remote span of `traceparent` as parent. */
function remoteContext(traceparent: string): Context {
  const m = TRACEPARENT.exec(traceparent);
  if (!m) return context.active();
  return trace.setSpanContext(context.active(), {
    traceId: m[1],
    spanId: m[2],
    traceFlags: parseInt(m[3], 16),
    isRemote: true,
  });
}
