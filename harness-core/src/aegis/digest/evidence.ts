/**
 * Evidence spans: where in a trace a failure shows, as a span id (when the trace has one), the
 * turn and a short excerpt a person or a planner can read without opening the trace.
 */
import type { ModelCallRecord, ToolCallRecord, TrajectoryEvent } from '../../trace/trajectory.ts';
import type { Evidence } from '../artifacts/digest.ts';

/** Single-spaced text cut to `limit` characters, with an ellipsis when cut. */
export function excerptOf(text: string, limit: number): string {
  // Only a bounded prefix is normalised: results can be megabytes long.
  const flat = text
    .slice(0, limit * 4)
    .replace(/\s+/g, ' ')
    .trim();
  return flat.length <= limit ? flat : `${flat.slice(0, limit - 1)}…`;
}

export interface EvidenceFactory {
  toolCall(turn: number, call: ToolCallRecord): Evidence;
  modelCall(turn: number, call: ModelCallRecord): Evidence;
  event(event: TrajectoryEvent, fallbackTurn: number): Evidence;
  /** Evidence on the episode span itself (its outcome or error). */
  episode(turn: number, text: string): Evidence;
}

export function createEvidenceFactory(
  traceId: string,
  episodeSpanId: string | undefined,
  excerptChars: number,
): EvidenceFactory {
  const make = (turn: number, text: string, spanId: string | undefined): Evidence => ({
    traceId,
    ...(spanId ? { spanId } : {}),
    turn,
    excerpt: excerptOf(text, excerptChars),
  });
  return {
    toolCall(turn, call) {
      // The call gets at most 40% of the excerpt: the result is what says what went wrong.
      const head = excerptOf(`${call.name}(${call.arguments})`, Math.floor(excerptChars * 0.4));
      const result = excerptOf(call.result, excerptChars - head.length - 4);
      return make(turn, `${head} -> ${result}`, call.spanId);
    },
    modelCall(turn, call) {
      if (call.error) return make(turn, `model error ${call.error.type}: ${call.error.message}`, call.spanId);
      const calls = call.output?.toolCalls.map((toolCall) => toolCall.name).join(', ') ?? '';
      const text = call.output?.text ?? '';
      return make(turn, calls === '' ? `final text: ${text}` : `${text} [calls: ${calls}]`, call.spanId);
    },
    event(event, fallbackTurn) {
      const attributes = Object.keys(event.attributes)
        .sort()
        .map((key) => `${key}=${String(event.attributes[key])}`)
        .join(' ');
      return make(event.turn ?? fallbackTurn, `${event.name}: ${attributes}`, episodeSpanId);
    },
    episode(turn, text) {
      return make(turn, text, episodeSpanId);
    },
  };
}
