/**
 * Test support (not library code), shared by the trace tests: paths of the external
 * semantic-conventions validator and examples, and a realistic multi-episode batch with every kind
 * of failure the writer must encode.
 */
import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createSyntheticTrajectories } from '../synthetic-trajectories.ts';
import type { Trajectory } from '../trajectory.ts';

export const TRACE_DIRECTORY = resolve(dirname(fileURLToPath(import.meta.url)), '..');
export const FIXTURES = join(TRACE_DIRECTORY, 'fixtures');
export const REPOSITORY_ROOT = resolve(TRACE_DIRECTORY, '..', '..', '..');
export const SEMCONV_DIRECTORY = resolve(REPOSITORY_ROOT, '..', 'shared', 'semconv');
export const VALIDATOR = join(SEMCONV_DIRECTORY, 'validate-otlp.mjs');
export const VALIDATOR_PRESENT = existsSync(VALIDATOR);

/**
 * Five episodes: successes and failures, one that errored with a failed tool call, one whose
 * model call failed, one aborted, one on Bedrock with a secret in a prompt.
 */
export function realisticBatch(): Trajectory[] {
  const batch = createSyntheticTrajectories({ episodes: 5, turnsPerEpisode: 3, seed: 11, failEvery: 4 });
  const [, second, third, , fifth] = batch;
  if (second === undefined || third === undefined || fifth === undefined) throw new Error('short batch');
  const lastTurn = second.turns[second.turns.length - 1];
  if (lastTurn === undefined) throw new Error('no turn');
  lastTurn.modelCall.output = null;
  lastTurn.modelCall.error = { type: 'TransientError', message: '503 Service Unavailable after 3 retries' };
  lastTurn.toolCalls = [];
  second.outcome = 'error';
  second.success = false;
  second.reward = 0;
  third.outcome = 'aborted';
  third.success = false;
  third.error = { type: 'ABORTED', message: 'the operation was aborted' };
  fifth.provider = 'aws.bedrock';
  fifth.model = 'anthropic.claude-3-5-haiku';
  for (const turn of fifth.turns) {
    turn.modelCall.provider = 'aws.bedrock';
    turn.modelCall.model = 'anthropic.claude-3-5-haiku';
    delete turn.modelCall.responseModel;
    turn.modelCall.inputMessages.push({ role: 'user', content: 'my key is AKIAIOSFODNN7EXAMPLE' });
  }
  fifth.extraAttributes = { 'gen_ai.conversation.id': 'conv-5', 'app.build': 1234, 'app.flags': ['a', 'b'] };
  return batch;
}
