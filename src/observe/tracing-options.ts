/**
 * The `tracing` option's type, kept apart from tracing.ts: the client's published types import it,
 * and they must not import `@opentelemetry/api`, an optional peer an app may not have installed
 * (its type-check, with skipLibCheck off, would fail on the missing module).
 */

/** `tracing: true` uses the global providers; give others (an SDK's, a test's in-memory exporter) here. */
export interface TracingOptions {
  /** An OpenTelemetry TracerProvider; default: the global one. */
  readonly tracerProvider?: { getTracer(name: string, version?: string): unknown };
  /** An OpenTelemetry MeterProvider; default: the global one. */
  readonly meterProvider?: { getMeter(name: string, version?: string): unknown };
}
