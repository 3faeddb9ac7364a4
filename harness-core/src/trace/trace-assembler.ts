/**
 * Groups mapped spans into episodes: one trajectory per trace id, in the order the traces first
 * appear. The top-most `invoke_agent` span is the episode; model calls, in start-time order (or
 * by `harnessx.turn.index` when every call has one), each start a turn, and tool calls attach to
 * the turn they follow. A trace with model calls but no `invoke_agent` span still yields a
 * (synthesised) trajectory. Everything left over is reported as unmapped, with the reason.
 */
import { type EpisodeDefaults, episodeFromAgentSpan } from './episode-from-span.ts';
import { type MappedSpan, type SpanHeader, serviceNameOf } from './span-mapper.ts';
import type { ModelCallRecord, Trajectory, Turn } from './trajectory.ts';

/** A span the reader could not place in a trajectory. */
export interface UnmappedSpan {
  traceId: string;
  spanId: string;
  spanName: string;
  reason: string;
}

export interface AssembledTraces {
  trajectories: Trajectory[];
  unmapped: UnmappedSpan[];
}

type ModelSpan = Extract<MappedSpan, { kind: 'model' }>;
type ToolSpan = Extract<MappedSpan, { kind: 'tool' }>;
type AgentSpan = Extract<MappedSpan, { kind: 'agent' }>;

interface TraceBucket {
  agents: AgentSpan[];
  models: ModelSpan[];
  tools: ToolSpan[];
  others: Extract<MappedSpan, { kind: 'other' }>[];
}

function compareStart(a: SpanHeader, b: SpanHeader): number {
  if (a.startTimeUnixNano !== b.startTimeUnixNano) {
    const left = BigInt(a.startTimeUnixNano);
    const right = BigInt(b.startTimeUnixNano);
    if (left !== right) return left < right ? -1 : 1;
  }
  return a.order - b.order;
}

function unmapped(header: SpanHeader, reason: string): UnmappedSpan {
  return { traceId: header.traceId, spanId: header.spanId, spanName: header.name, reason };
}

/** Collects mapped spans, in any order, and assembles them into trajectories at the end. */
export class TraceAssembler {
  private readonly buckets = new Map<string, TraceBucket>();

  add(span: MappedSpan): void {
    let bucket = this.buckets.get(span.header.traceId);
    if (bucket === undefined) {
      bucket = { agents: [], models: [], tools: [], others: [] };
      this.buckets.set(span.header.traceId, bucket);
    }
    if (span.kind === 'agent') bucket.agents.push(span);
    else if (span.kind === 'model') bucket.models.push(span);
    else if (span.kind === 'tool') bucket.tools.push(span);
    else bucket.others.push(span);
  }

  /**
   * Yields one trajectory per trace, releasing each trace's spans as it goes; spans that fit no
   * trajectory are passed to `onUnmapped`.
   */
  *drain(onUnmapped: (span: UnmappedSpan) => void): Generator<Trajectory, void, undefined> {
    for (const [traceId, bucket] of this.buckets) {
      this.buckets.delete(traceId);
      const unmappedSpans: UnmappedSpan[] = [];
      const trajectory = assembleTrace(bucket, unmappedSpans);
      for (const span of unmappedSpans) onUnmapped(span);
      if (trajectory !== undefined) yield trajectory;
    }
  }

  finish(): AssembledTraces {
    const result: AssembledTraces = { trajectories: [], unmapped: [] };
    for (const trajectory of this.drain((span) => result.unmapped.push(span)))
      result.trajectories.push(trajectory);
    return result;
  }
}

function allHeaders(bucket: TraceBucket): SpanHeader[] {
  return [...bucket.agents, ...bucket.models, ...bucket.tools, ...bucket.others].map((span) => span.header);
}

/** The agent spans with no agent span above them; the earliest is the episode. */
function chooseEpisodeSpan(bucket: TraceBucket, unmappedOut: UnmappedSpan[]): AgentSpan | undefined {
  if (bucket.agents.length === 0) return undefined;
  const parents = new Map(allHeaders(bucket).map((header) => [header.spanId, header.parentSpanId]));
  const agentIds = new Set(bucket.agents.map((agent) => agent.header.spanId));
  const hasAgentAncestor = (header: SpanHeader): boolean => {
    const seen = new Set<string>();
    let parent = header.parentSpanId;
    while (parent !== undefined && !seen.has(parent)) {
      if (agentIds.has(parent)) return true;
      seen.add(parent);
      parent = parents.get(parent);
    }
    return false;
  };
  const topLevel = bucket.agents.filter((agent) => !hasAgentAncestor(agent.header));
  const sorted = (topLevel.length > 0 ? topLevel : bucket.agents).sort((a, b) =>
    compareStart(a.header, b.header),
  );
  const episode = sorted[0];
  for (const agent of bucket.agents) {
    if (agent === episode) continue;
    const reason = hasAgentAncestor(agent.header)
      ? 'nested invoke_agent span (sub-agent): its model and tool calls are counted in the episode'
      : 'another top-level invoke_agent span in the same trace: only the earliest is the episode';
    unmappedOut.push(unmapped(agent.header, reason));
  }
  return episode;
}

function buildTurns(bucket: TraceBucket, unmappedOut: UnmappedSpan[]): Turn[] {
  const byIndex = bucket.models.length > 0 && bucket.models.every((model) => model.turnIndex !== undefined);
  const models = [...bucket.models].sort((a, b) =>
    byIndex && a.turnIndex !== b.turnIndex
      ? (a.turnIndex ?? 0) - (b.turnIndex ?? 0)
      : compareStart(a.header, b.header),
  );
  const turns: Turn[] = models.map((model, position) => ({
    index: model.turnIndex ?? position,
    modelCall: model.record,
    toolCalls: [],
  }));
  const locate = turnLocator(models, byIndex);
  const tools = [...bucket.tools].sort((a, b) => compareStart(a.header, b.header));
  for (const tool of tools) {
    const turn = turns[locate(tool) ?? -1];
    if (turn === undefined) {
      unmappedOut.push(unmapped(tool.header, 'execute_tool span in a trace without model calls'));
      continue;
    }
    turn.toolCalls.push(tool.record);
  }
  return turns;
}

/** Of `positions` (in order), the last whose model call started no later than the tool call. */
function lastStartedBefore(
  positions: readonly number[],
  models: readonly ModelSpan[],
  tool: ToolSpan,
): number | undefined {
  let chosen = positions[0];
  for (const position of positions) {
    const model = models[position];
    if (model !== undefined && compareStart(model.header, tool.header) <= 0) chosen = position;
  }
  return chosen;
}

/**
 * Finds the turn a tool call belongs to: the model call with its turn index when it has one,
 * else the last model call that started before it (binary search when calls are in time order).
 */
function turnLocator(models: readonly ModelSpan[], byIndex: boolean): (tool: ToolSpan) => number | undefined {
  const positionsByIndex = new Map<number, number[]>();
  models.forEach((model, position) => {
    if (model.turnIndex === undefined) return;
    const positions = positionsByIndex.get(model.turnIndex) ?? [];
    positions.push(position);
    positionsByIndex.set(model.turnIndex, positions);
  });
  const all = models.map((_, position) => position);
  return (tool) => {
    if (models.length === 0) return undefined;
    const sameIndex = tool.turnIndex === undefined ? undefined : positionsByIndex.get(tool.turnIndex);
    if (sameIndex !== undefined) return lastStartedBefore(sameIndex, models, tool);
    if (byIndex) return lastStartedBefore(all, models, tool);
    let low = 0;
    let high = models.length - 1;
    while (low < high) {
      const middle = (low + high + 1) >> 1;
      const model = models[middle];
      if (model !== undefined && compareStart(model.header, tool.header) <= 0) low = middle;
      else high = middle - 1;
    }
    return low;
  };
}

function defaultsFrom(models: readonly ModelCallRecord[]): EpisodeDefaults {
  const usage = { inputTokens: 0, outputTokens: 0, costUsd: 0 };
  for (const model of models) {
    usage.inputTokens += model.usage.inputTokens;
    usage.outputTokens += model.usage.outputTokens;
    usage.costUsd += model.costUsd ?? 0;
  }
  const first = models[0];
  return { provider: first?.provider ?? '', model: first?.model ?? '', usage };
}

function minMaxTimes(headers: readonly SpanHeader[]): { start: string; end: string } {
  let start: bigint | undefined;
  let end: bigint | undefined;
  for (const header of headers) {
    const s = BigInt(header.startTimeUnixNano);
    const e = BigInt(header.endTimeUnixNano);
    if (start === undefined || s < start) start = s;
    if (end === undefined || e > end) end = e;
  }
  return { start: (start ?? 0n).toString(), end: (end ?? 0n).toString() };
}

/** An episode for a trace that has model calls but no invoke_agent span. */
function synthesiseEpisode(bucket: TraceBucket, turns: Turn[]): Trajectory {
  const headers = allHeaders(bucket);
  const root = headers.filter((header) => header.parentSpanId === undefined).sort(compareStart)[0];
  const defaults = defaultsFrom(turns.map((turn) => turn.modelCall));
  const failed = root !== undefined && root.statusCode === 2;
  const times = minMaxTimes(headers);
  const namedAgent = bucket.others.find((other) => other.agentName !== undefined)?.agentName;
  return {
    traceId: headers[0]?.traceId ?? '',
    agentName: namedAgent ?? (root === undefined ? undefined : serviceNameOf(root)) ?? root?.name ?? '',
    provider: defaults.provider,
    model: defaults.model,
    outcome: failed ? 'error' : 'success',
    success: !failed,
    reward: failed ? 0 : 1,
    usage: defaults.usage,
    turns,
    events: [],
    startTimeUnixNano: times.start,
    endTimeUnixNano: times.end,
    extraAttributes: {},
  };
}

function assembleTrace(bucket: TraceBucket, unmappedOut: UnmappedSpan[]): Trajectory | undefined {
  const episode = chooseEpisodeSpan(bucket, unmappedOut);
  for (const other of bucket.others) unmappedOut.push(unmapped(other.header, other.reason));
  if (episode === undefined && bucket.models.length === 0) {
    for (const tool of bucket.tools) {
      unmappedOut.push(unmapped(tool.header, 'execute_tool span in a trace without model calls'));
    }
    return undefined;
  }
  const turns = buildTurns(bucket, unmappedOut);
  if (episode === undefined) return synthesiseEpisode(bucket, turns);
  const fields = episodeFromAgentSpan(episode.span, defaultsFrom(turns.map((turn) => turn.modelCall)));
  return { ...fields, turns };
}
