/**
 * `inspectTraceFiles`: what a set of trace files holds (ours or another tool's): episodes, model
 * and tool calls, tokens, models, failed calls, spans that map to nothing, and input that could
 * not be read. A file that cannot be read at all is listed with its error, not thrown.
 */
import { InputError } from '../errors.ts';
import { DEFAULT_STREAM_THRESHOLD_BYTES, readTraceFile } from './otlp-reader.ts';
import { readTraceFileStream } from './otlp-stream.ts';
import type { TraceReadIssue } from './span-record.ts';
import type { UnmappedSpan } from './trace-assembler.ts';
import { probeTraceFile } from './trace-file-bytes.ts';
import type { Trajectory } from './trajectory.ts';

export interface TraceFileInspection {
  path: string;
  episodes: number;
  /** Why the file could not be read at all. */
  error?: string;
  /** Parts of a partly readable file that were skipped. */
  skipped: { path: string; reason: string }[];
}

export interface TraceInspection {
  files: TraceFileInspection[];
  episodes: number;
  modelCalls: number;
  toolCalls: number;
  tokens: { input: number; output: number };
  models: string[];
  /** Failed episodes, model calls and tool calls. */
  errors: { file: string; spanId?: string; type: string; message: string }[];
  unmapped: { file: string; spanName: string; reason: string }[];
}

export interface InspectTraceFilesOptions {
  /** Files larger than this are streamed. Default 64 MiB. */
  streamThresholdBytes?: number;
}

interface FileVisitor {
  trajectory(trajectory: Trajectory): void;
  unmapped(span: UnmappedSpan): void;
  skipped(issue: TraceReadIssue): void;
}

async function visitTraceFile(path: string, visitor: FileVisitor, threshold: number): Promise<void> {
  const streamed = await probeTraceFile(path).then(
    (probe) => probe.estimatedTextBytes > threshold,
    () => false,
  );
  if (streamed) {
    const stream = readTraceFileStream(path, { onUnmapped: visitor.unmapped, onSkipped: visitor.skipped });
    for await (const trajectory of stream) visitor.trajectory(trajectory);
    return;
  }
  const result = await readTraceFile(path, { streamThresholdBytes: threshold });
  for (const trajectory of result.trajectories) visitor.trajectory(trajectory);
  for (const span of result.unmapped) visitor.unmapped(span);
  for (const issue of result.skipped) visitor.skipped(issue);
}

function collectErrors(file: string, trajectory: Trajectory, out: TraceInspection['errors']): void {
  if (trajectory.error !== undefined) {
    out.push({
      file,
      spanId: trajectory.spanId,
      type: trajectory.error.type,
      message: trajectory.error.message,
    });
  } else if (trajectory.outcome === 'error') {
    out.push({ file, spanId: trajectory.spanId, type: 'error', message: 'episode ended in an error' });
  }
  for (const turn of trajectory.turns) {
    const model = turn.modelCall;
    if (model.error !== undefined) out.push({ file, spanId: model.spanId, ...model.error });
    for (const tool of turn.toolCalls) {
      if (tool.error !== undefined) out.push({ file, spanId: tool.spanId, ...tool.error });
    }
  }
}

/**
 * Reads trace files and summarises them.
 *
 * @example
 * const inspection = await inspectTraceFiles(['traces/a.otlp.json', 'traces/b.jsonl.gz']);
 * process.stdout.write(formatTraceInspection(inspection));
 */
export async function inspectTraceFiles(
  paths: readonly string[],
  options: InspectTraceFilesOptions = {},
): Promise<TraceInspection> {
  const threshold = options.streamThresholdBytes ?? DEFAULT_STREAM_THRESHOLD_BYTES;
  const inspection: TraceInspection = {
    files: [],
    episodes: 0,
    modelCalls: 0,
    toolCalls: 0,
    tokens: { input: 0, output: 0 },
    models: [],
    errors: [],
    unmapped: [],
  };
  const models = new Set<string>();
  for (const path of paths) {
    const file: TraceFileInspection = { path, episodes: 0, skipped: [] };
    inspection.files.push(file);
    const errors: TraceInspection['errors'] = [];
    const unmapped: TraceInspection['unmapped'] = [];
    const totals = { episodes: 0, modelCalls: 0, toolCalls: 0, input: 0, output: 0 };
    const fileModels = new Set<string>();
    try {
      await visitTraceFile(
        path,
        {
          trajectory(trajectory) {
            totals.episodes++;
            for (const turn of trajectory.turns) {
              totals.modelCalls++;
              totals.toolCalls += turn.toolCalls.length;
              if (turn.modelCall.model !== '') fileModels.add(turn.modelCall.model);
            }
            totals.input += trajectory.usage.inputTokens;
            totals.output += trajectory.usage.outputTokens;
            collectErrors(path, trajectory, errors);
          },
          unmapped: (span) => unmapped.push({ file: path, spanName: span.spanName, reason: span.reason }),
          skipped: (issue) => file.skipped.push({ path: issue.path, reason: issue.reason }),
        },
        threshold,
      );
    } catch (error) {
      if (!(error instanceof InputError)) throw error;
      file.error = error.message;
      continue;
    }
    file.episodes = totals.episodes;
    inspection.episodes += totals.episodes;
    inspection.modelCalls += totals.modelCalls;
    inspection.toolCalls += totals.toolCalls;
    inspection.tokens.input += totals.input;
    inspection.tokens.output += totals.output;
    for (const model of fileModels) models.add(model);
    inspection.errors.push(...errors);
    inspection.unmapped.push(...unmapped);
  }
  inspection.models = [...models].sort();
  return inspection;
}

const LIST_LIMIT = 20;

function listSection<T>(title: string, items: readonly T[], line: (item: T) => string): string[] {
  if (items.length === 0) return [];
  const lines = [
    `${title} (${items.length}):`,
    ...items.slice(0, LIST_LIMIT).map((item) => `  ${line(item)}`),
  ];
  if (items.length > LIST_LIMIT) lines.push(`  ... and ${items.length - LIST_LIMIT} more`);
  return lines;
}

function plural(count: number, noun: string): string {
  return `${count} ${noun}${count === 1 ? '' : 's'}`;
}

/** A human-readable summary of an inspection. */
export function formatTraceInspection(inspection: TraceInspection): string {
  const lines = [
    `${plural(inspection.files.length, 'file')}, ${plural(inspection.episodes, 'episode')}, ` +
      `${plural(inspection.modelCalls, 'model call')}, ${plural(inspection.toolCalls, 'tool call')}`,
    // A turn starts with each model call, so turns and model calls count the same thing.
    `turns: ${inspection.modelCalls} (${(inspection.modelCalls / Math.max(1, inspection.episodes)).toFixed(1)} per episode)`,
    `tokens: ${inspection.tokens.input} input, ${inspection.tokens.output} output`,
    `models: ${inspection.models.length === 0 ? '(none)' : inspection.models.join(', ')}`,
    'files:',
  ];
  for (const file of inspection.files) {
    if (file.error !== undefined) {
      lines.push(`  ${file.path}: UNREADABLE: ${file.error.replace(/\n\s*/g, ' ')}`);
      continue;
    }
    const skipped = file.skipped.length > 0 ? `, ${file.skipped.length} skipped` : '';
    lines.push(`  ${file.path}: ${plural(file.episodes, 'episode')}${skipped}`);
  }
  lines.push(
    ...listSection('errors', inspection.errors, (error) => {
      const span = error.spanId === undefined ? '' : ` span ${error.spanId}`;
      // One line per error: the first line of the message says what happened; --json has it all.
      const firstLine = error.message.split('\n', 1)[0] ?? '';
      return `${error.file}${span}: ${error.type}${firstLine === '' ? '' : `: ${firstLine}`}`;
    }),
  );
  lines.push(
    ...listSection(
      'unmapped spans',
      inspection.unmapped,
      (span) => `${span.file}: "${span.spanName}": ${span.reason}`,
    ),
  );
  const skipped = inspection.files.flatMap((file) =>
    file.skipped.map((issue) => ({ file: file.path, ...issue })),
  );
  lines.push(
    ...listSection('skipped', skipped, (issue) => `${issue.file} ${issue.path || '(file)'}: ${issue.reason}`),
  );
  return lines.join('\n');
}
