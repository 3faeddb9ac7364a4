/**
 * Calibration of the simulated worker against the household suite, through a small test-only agent
 * loop (not the runtime): a plain loop, and an "informed" one that adds, in the context only, what
 * good processors would add. The bands asserted here are the lead's calibration target.
 */
import { describe, expect, it } from 'vitest';
import type { EpisodeEnvironment } from '../../environments/environment.ts';
import { createHouseholdSuite, type HouseholdTask } from '../../environments/household/index.ts';
import type { ChatMessage, ModelV1, ToolDefinition } from '../../providers/model.ts';
import { createSimulatedWorkerModel } from './simulated-worker-model.ts';

const SYSTEM = 'You are an agent in a household. Use the tools to complete the task.';
const PLAN_REQUEST = 'Write a short plan first and keep it updated as you act.';
const MAX_TURNS = 30;
const ROLLOUT_SEEDS = [1, 2, 3];

interface LoopResult {
  success: boolean;
  turns: number;
}

function describeCall(name: string, argumentsText: string): string {
  try {
    const parsed = JSON.parse(argumentsText) as Record<string, unknown>;
    const parts = Object.keys(parsed)
      .sort()
      .map((key) => `${key} ${JSON.stringify(parsed[key])}`);
    return parts.length === 0 ? name : `${name} with ${parts.join(' and ')}`;
  } catch {
    return `${name} with ${argumentsText}`;
  }
}

function expectedShape(tools: readonly ToolDefinition[], name: string): string {
  const properties = tools.find((tool) => tool.name === name)?.parameters['properties'] ?? {};
  return `{${Object.keys(properties)
    .map((key) => `"${key}": string`)
    .join(', ')}}`;
}

/** What the informed loop appends to each request: observations restated, repeated failures named. */
function informedNote(memory: Map<string, string>, failures: Map<string, number>): string | undefined {
  const lines = [...memory.values()].map((observation) => `- ${observation}`);
  const notes = [...failures]
    .filter(([, count]) => count >= 2)
    .map(([action, count]) => `${action} failed ${count} times.`);
  const parts = [lines.length > 0 ? `Observations so far:\n${lines.join('\n')}` : '', ...notes].filter(
    Boolean,
  );
  return parts.length > 0 ? parts.join('\n') : undefined;
}

async function runTestLoop(
  model: ModelV1,
  episode: EpisodeEnvironment,
  task: HouseholdTask,
  seed: number,
  informed: boolean,
): Promise<LoopResult> {
  const history: ChatMessage[] = [
    { role: 'system', content: informed ? `${SYSTEM} ${PLAN_REQUEST}\n\n${task.instruction}` : SYSTEM },
    { role: 'user', content: task.instruction },
  ];
  // Latest observation per distinct action, oldest first (a Map keeps insertion order).
  const memory = new Map<string, string>();
  const failures = new Map<string, number>();
  let finishChecked = false;
  let turns = 0;
  while (turns < MAX_TURNS) {
    turns++;
    const note = informed ? informedNote(memory, failures) : undefined;
    const messages: ChatMessage[] = note ? [...history, { role: 'user', content: note }] : history;
    const response = await model.doGenerate({ messages, tools: episode.tools, seed });
    const call = response.toolCalls[0];
    if (!call) break;
    history.push({ role: 'assistant', content: response.text, toolCalls: [call] });
    let content: string;
    let isError: boolean;
    let parsed: unknown;
    try {
      parsed = JSON.parse(call.arguments);
    } catch (error) {
      const reason = (error as Error).message;
      content = informed
        ? `Error: arguments are not valid JSON (${reason}); ${call.name} expects ${expectedShape(episode.tools, call.name)}.`
        : `Error: arguments are not valid JSON: ${reason}`;
      isError = true;
    }
    if (parsed !== undefined) {
      if (informed && call.name === 'finish' && !finishChecked) {
        finishChecked = true;
        content = `Check the task again: ${task.instruction}`;
        isError = false;
      } else {
        ({ content, isError } = await episode.step({ name: call.name, arguments: parsed }));
      }
    }
    history.push({
      role: 'tool',
      toolCallId: call.id,
      name: call.name,
      content: content!,
      isError: isError!,
    });
    const action = describeCall(call.name, call.arguments);
    if (content!.includes('Nothing happens.')) failures.set(action, (failures.get(action) ?? 0) + 1);
    else if (!isError! && call.name !== 'finish') {
      memory.delete(action);
      memory.set(action, content!);
    }
    if (episode.done) break;
  }
  return { success: episode.score().success, turns };
}

interface Table {
  byDifficulty: Map<number, { successes: number; episodes: number; turns: number }>;
  overall: number;
}

async function measure(informed: boolean): Promise<Table> {
  const suite = createHouseholdSuite();
  const model = createSimulatedWorkerModel();
  const byDifficulty = new Map<number, { successes: number; episodes: number; turns: number }>();
  for (const task of suite.tasks('heldout')) {
    for (const seed of ROLLOUT_SEEDS) {
      const result = await runTestLoop(model, suite.reset(task, seed), task, seed, informed);
      const row = byDifficulty.get(task.difficulty) ?? { successes: 0, episodes: 0, turns: 0 };
      row.successes += result.success ? 1 : 0;
      row.episodes++;
      row.turns += result.turns;
      byDifficulty.set(task.difficulty, row);
    }
  }
  const rows = [...byDifficulty.values()];
  const overall =
    rows.reduce((sum, row) => sum + row.successes, 0) / rows.reduce((sum, row) => sum + row.episodes, 0);
  return { byDifficulty, overall };
}

const rate = (row: { successes: number; episodes: number } | undefined) =>
  row ? row.successes / row.episodes : Number.NaN;

function formatTable(plain: Table, informed: Table): string {
  const percent = (value: number) => `${(100 * value).toFixed(0).padStart(4)}%`;
  const lines = ['difficulty |  plain | informed | mean turns plain / informed'];
  for (const difficulty of [...plain.byDifficulty.keys()].sort((a, b) => a - b)) {
    const p = plain.byDifficulty.get(difficulty)!;
    const i = informed.byDifficulty.get(difficulty)!;
    lines.push(
      `${String(difficulty).padStart(10)} | ${percent(rate(p))} | ${percent(rate(i)).padStart(8)} | ${(p.turns / p.episodes).toFixed(1)} / ${(i.turns / i.episodes).toFixed(1)}`,
    );
  }
  lines.push(`   overall | ${percent(plain.overall)} | ${percent(informed.overall).padStart(8)} |`);
  return lines.join('\n');
}

describe('simulated worker in the household suite (heldout, 3 seeds)', () => {
  it('needs the harness: the plain loop fails long tasks, the informed loop solves most', async () => {
    const plain = await measure(false);
    const informed = await measure(true);
    // The table is the calibration record; printing it is the point of this test.
    console.info(
      `simulated worker, household heldout x ${ROLLOUT_SEEDS.length} seeds\n${formatTable(plain, informed)}`,
    );
    expect(rate(plain.byDifficulty.get(1))).toBeGreaterThanOrEqual(0.8);
    expect(plain.overall).toBeLessThanOrEqual(0.55);
    expect(plain.overall).toBeGreaterThanOrEqual(0.2);
    expect(informed.overall).toBeGreaterThanOrEqual(0.75);
    expect(informed.overall - plain.overall).toBeGreaterThanOrEqual(0.3);
    const longest = Math.max(...plain.byDifficulty.keys());
    expect(rate(plain.byDifficulty.get(longest))).toBeLessThan(rate(plain.byDifficulty.get(1)));
  });
});
