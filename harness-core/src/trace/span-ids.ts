/**
 * Deterministic span and trace ids. Records produced by the runtime may lack span ids; deriving
 * them from the trace id and the record's position makes the same trajectory always serialise to
 * the same bytes, which keeps trace files diffable and content-addressable.
 */
import { createHash } from 'node:crypto';
import type { Trajectory } from './trajectory.ts';

const HEX_TRACE_ID = /^[0-9a-f]{32}$/;
const HEX_SPAN_ID = /^[0-9a-f]{16}$/;

function hashHex(text: string, length: number): string {
  const hex = createHash('sha256').update(text).digest('hex').slice(0, length);
  // An all-zero id is invalid in OTLP; the chance is negligible, but the fix costs nothing.
  return /^0+$/.test(hex) ? `${'0'.repeat(length - 1)}1` : hex;
}

/** The trace id to write: the trajectory's own when it is valid hex, else one derived from it. */
export function traceIdFor(trajectory: Pick<Trajectory, 'traceId'>): string {
  const lower = trajectory.traceId.toLowerCase();
  return HEX_TRACE_ID.test(lower) && !/^0+$/.test(lower) ? lower : hashHex(`trace:${trajectory.traceId}`, 32);
}

/** `spanId` when it is a valid 16-hex-digit id, else a hash of the trace id and `role`. */
export function spanIdFor(traceId: string, existing: string | undefined, role: string): string {
  const lower = existing?.toLowerCase();
  if (lower !== undefined && HEX_SPAN_ID.test(lower) && !/^0+$/.test(lower)) return lower;
  return hashHex(`${traceId}:${role}`, 16);
}

export function agentSpanRole(): string {
  return 'invoke_agent';
}

export function modelSpanRole(turnPosition: number): string {
  return `chat:${turnPosition}`;
}

export function toolSpanRole(turnPosition: number, toolPosition: number): string {
  return `execute_tool:${turnPosition}:${toolPosition}`;
}

/**
 * Returns a copy of the trajectory with every span id (and the trace id) the writer would use
 * filled in. `readOtlpDocument(trajectoriesToOtlp([t]))` gives back exactly `withAssignedSpanIds(t)`.
 */
export function withAssignedSpanIds(trajectory: Trajectory): Trajectory {
  const traceId = traceIdFor(trajectory);
  return {
    ...trajectory,
    traceId,
    spanId: spanIdFor(traceId, trajectory.spanId, agentSpanRole()),
    turns: trajectory.turns.map((turn, turnPosition) => ({
      ...turn,
      modelCall: {
        ...turn.modelCall,
        spanId: spanIdFor(traceId, turn.modelCall.spanId, modelSpanRole(turnPosition)),
      },
      toolCalls: turn.toolCalls.map((call, toolPosition) => ({
        ...call,
        spanId: spanIdFor(traceId, call.spanId, toolSpanRole(turnPosition, toolPosition)),
      })),
    })),
  };
}
