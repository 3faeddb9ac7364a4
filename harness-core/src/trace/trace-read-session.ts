/**
 * One read of one trace source: decodes and maps each span as it arrives (so only compact
 * records are kept), collects what could not be used, and at the end assembles the trajectories.
 * A source from which nothing at all could be read is an `InputError`; a partly readable one
 * gives its good episodes plus `skipped` entries.
 */
import { InputError, type InputIssue } from '../errors.ts';
import { MessageParseCache } from './message-parse-cache.ts';
import type { OtlpSpanSink } from './otlp-document.ts';
import type { RoundingReport } from './otlp-values.ts';
import { mapSpan } from './span-mapper.ts';
import { decodeSpan, type SpanResource, type TraceReadIssue } from './span-record.ts';
import { TraceAssembler, type UnmappedSpan } from './trace-assembler.ts';
import type { Trajectory } from './trajectory.ts';

export interface ReadTraceResult {
  trajectories: Trajectory[];
  /** Spans that were read but have no place in a trajectory (e.g. HTTP spans), with the reason. */
  unmapped: UnmappedSpan[];
  /** Parts of the input that could not be read (bad spans, corrupt lines), with the reason. */
  skipped: TraceReadIssue[];
}

/** The entity name in `InputError`s about trace files. */
export const TRACE_ENTITY = 'OTLP/JSON trace';

const MAX_LISTED_ISSUES = 1000;
const MAX_ERROR_ISSUES = 20;

export class TraceReadSession implements OtlpSpanSink {
  private readonly assembler = new TraceAssembler();
  private readonly messageCache = new MessageParseCache();
  private readonly rounding: RoundingReport = { rounded: false };
  private readonly issues: TraceReadIssue[] = [];
  private unlistedIssues = 0;
  private order = 0;
  private spansRead = 0;

  constructor(private readonly source: string) {}

  /** True once a span held an integer that `JSON.parse` may have rounded. */
  get roundedNumbers(): boolean {
    return this.rounding.rounded;
  }

  span(raw: unknown, path: string, resource: SpanResource): void {
    const context = { issues: [] as TraceReadIssue[], rounding: this.rounding };
    const record = decodeSpan(raw, path, this.order++, resource, context);
    for (const issue of context.issues) this.issue(issue);
    if (record === undefined) return;
    try {
      this.assembler.add(mapSpan(record, this.messageCache));
      this.spansRead++;
    } catch (error) {
      // Mapping is total over decoded spans; this guards against the unforeseen, so that one odd
      // span costs that span and not the file.
      const reason = `span could not be mapped: ${error instanceof Error ? error.message : String(error)}`;
      this.issue({ path, reason, traceId: record.traceId, spanId: record.spanId });
    }
  }

  issue(issue: TraceReadIssue): void {
    if (this.issues.length < MAX_LISTED_ISSUES) this.issues.push(issue);
    else this.unlistedIssues++;
  }

  /** The problems found so far (capped), with a summary entry for any not listed. */
  skipped(): TraceReadIssue[] {
    const skipped = [...this.issues];
    if (this.unlistedIssues > 0) {
      skipped.push({ path: '', reason: `${this.unlistedIssues} more problems were found and not listed` });
    }
    return skipped;
  }

  /** Throws `InputError` when problems were found and not a single span was readable. */
  assertReadable(): void {
    if (this.spansRead > 0) return;
    const skipped = this.skipped();
    if (skipped.length === 0) return;
    const issues: InputIssue[] = skipped
      .slice(0, MAX_ERROR_ISSUES)
      .map((issue) => ({ path: issue.path, message: issue.reason }));
    if (skipped.length > MAX_ERROR_ISSUES) {
      issues.push({ path: '', message: `and ${skipped.length - MAX_ERROR_ISSUES} more problems` });
    }
    throw new InputError(TRACE_ENTITY, this.source, issues);
  }

  /** Yields the trajectories one trace at a time (after `assertReadable`). */
  drain(onUnmapped: (span: UnmappedSpan) => void): Generator<Trajectory, void, undefined> {
    this.assertReadable();
    return this.assembler.drain(onUnmapped);
  }

  /** Assembles the whole result; throws `InputError` when nothing at all was readable. */
  finish(): ReadTraceResult {
    this.assertReadable();
    const { trajectories, unmapped } = this.assembler.finish();
    return { trajectories, unmapped, skipped: this.skipped() };
  }
}
