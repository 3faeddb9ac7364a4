import { describe, expect, it } from 'vitest';
import type { ChatMessage } from '../providers/model.ts';
import { META_MODEL_BEHAVIOURS, ScriptedMetaModel } from './scripted-meta-model.ts';

const request = (failureClass: string, lever: string) => ({
  messages: [
    { role: 'system', content: 'contract' },
    { role: 'user', content: `failure class ${failureClass}. Write one with meta.dimension = '${lever}'.` },
  ] satisfies ChatMessage[],
  tools: [],
});

describe('ScriptedMetaModel', () => {
  it('writes code for the requested lever and failure class, and records each request', async () => {
    const model = new ScriptedMetaModel('good');
    const repeat = await model.doGenerate(request('repeated-failed-action', 'control-flow-safety'));
    const other = await model.doGenerate(request('early-finish', 'verification'));
    expect(repeat.text).toContain("dimension: 'control-flow-safety'");
    expect(repeat.text).toContain('times and it failed each time');
    expect(other.text).toContain("dimension: 'verification'");
    expect(other.text).toContain('Reminds the model of a failed tool call');
    expect(model.calls).toHaveLength(2);
    expect(repeat.usage.outputTokens).toBeGreaterThan(0);
  });

  it('follows its script and repeats the last behaviour', async () => {
    const model = new ScriptedMetaModel(['prose', 'syntax-error']);
    const replies = [];
    for (let index = 0; index < 3; index += 1)
      replies.push((await model.doGenerate(request('x', 'memory'))).text);
    expect(replies[0]).not.toContain('```');
    expect(replies[1]).toContain('```js');
    expect(replies[2]).toBe(replies[1]);
  });

  it('answers every behaviour with text', async () => {
    for (const behaviour of META_MODEL_BEHAVIOURS) {
      const { text, finishReason } = await new ScriptedMetaModel(behaviour).doGenerate(
        request('x', 'memory'),
      );
      expect(text.length, behaviour).toBeGreaterThan(50);
      expect(finishReason).toBe('stop');
    }
    expect(() => new ScriptedMetaModel([])).toThrow();
  });
});
