/**
 * Test support (not library code): fast-check arbitraries for `Trajectory` values as the runtime produces them, used by the
 * round-trip properties. Shapes the runtime never produces are left out (and documented in
 * `otlp-writer.ts`): turn indexes out of order, tool calls that end before they start, event
 * attribute keys already in our `harnessx.` namespace. Call records carry no `operationName:
 * 'chat'` and no empty `extraAttributes`: the reader spells both as absent.
 */
import fc from 'fast-check';
import type { ChatMessage, ExtraPart, ToolCall, ToolDefinition } from '../../providers/model.ts';
import type {
  EpisodeOutcome,
  ModelCallRecord,
  ToolCallRecord,
  Trajectory,
  TrajectoryEvent,
  Turn,
} from '../trajectory.ts';

const text = fc.oneof(fc.string({ maxLength: 24 }), fc.string({ unit: 'binary', maxLength: 24 }));
const hex = (bytes: number) =>
  fc
    .uint8Array({ minLength: bytes, maxLength: bytes })
    .map((array) => Buffer.from(array).toString('hex'))
    .filter((id) => !/^0+$/.test(id));
const nanos = fc.bigInt({ min: 0n, max: 2n ** 64n - 1n }).map(String);
const finite = fc.double({ noNaN: true, noDefaultInfinity: true }).map((value) => (value === 0 ? 0 : value));
const identifier = fc.stringMatching(/^[a-z][a-zA-Z0-9_]{0,8}$/);

/** JSON values that survive JSON.stringify/parse unchanged (no -0, no undefined). */
const jsonValue: fc.Arbitrary<unknown> = fc.letrec<{ value: unknown }>((tie) => ({
  value: fc.oneof(
    { depthSize: 'small' },
    text,
    fc.integer(),
    finite,
    fc.boolean(),
    fc.constant(null),
    fc.array(tie('value'), { maxLength: 3 }),
    fc.dictionary(identifier, tie('value'), { maxKeys: 3 }),
  ),
})).value;

const extraParts = fc.array(
  fc
    .tuple(
      fc.constantFrom('image', 'reasoning', 'blob', 'file', 'x-custom'),
      fc.dictionary(identifier, jsonValue, { maxKeys: 3 }),
    )
    .map(([type, fields]): ExtraPart => ({ ...fields, type })),
  { minLength: 1, maxLength: 2 },
);

const rawArguments = fc.oneof(
  text,
  fc.dictionary(identifier, jsonValue, { maxKeys: 3 }).map((value) => JSON.stringify(value)),
  fc.dictionary(identifier, jsonValue, { maxKeys: 3 }).map((value) => JSON.stringify(value, null, 1)),
);

const toolCall: fc.Arbitrary<ToolCall> = fc.record({ id: text, name: text, arguments: rawArguments });

function withOptional<T extends object>(
  base: fc.Arbitrary<T>,
  key: string,
  value: fc.Arbitrary<unknown>,
): fc.Arbitrary<T> {
  return fc
    .tuple(base, fc.option(value, { nil: undefined }))
    .map(([object, extra]) => (extra === undefined ? object : ({ ...object, [key]: extra } as T)));
}

const chatMessage: fc.Arbitrary<ChatMessage> = fc.oneof(
  withOptional(
    fc.record({ role: fc.constantFrom('system' as const, 'user' as const), content: text }),
    'extraParts',
    extraParts,
  ),
  withOptional(
    withOptional(
      fc.record({ role: fc.constant('assistant' as const), content: text }),
      'toolCalls',
      fc.array(toolCall, { minLength: 1, maxLength: 3 }),
    ),
    'extraParts',
    extraParts,
  ),
  withOptional(
    withOptional(
      fc.record({ role: fc.constant('tool' as const), toolCallId: text, name: text, content: text }),
      'isError',
      fc.boolean(),
    ),
    'extraParts',
    extraParts,
  ),
);

const toolDefinition: fc.Arbitrary<ToolDefinition> = fc.record({
  name: text,
  description: text,
  parameters: fc
    .dictionary(identifier, fc.constantFrom({ type: 'string' }, { type: 'integer' }), { maxKeys: 3 })
    .map((properties) => ({
      type: 'object',
      properties,
    })),
});

const failure = fc.record({ type: text, message: text });

/** Vendor attributes of a call span, as foreign tools write them; never one of our mapped keys. */
const vendorAttributes = fc.dictionary(
  fc
    .tuple(fc.constantFrom('llm.vendor.', 'langfuse.observation.', 'app.'), identifier)
    .map(([prefix, key]) => `${prefix}${key}`),
  jsonValue,
  { minKeys: 1, maxKeys: 3 },
);

/** A foreign tool span's own `gen_ai.tool.type` survives too (`function` is the default, not kept). */
const toolExtraAttributes = fc
  .tuple(vendorAttributes, fc.option(fc.constantFrom('extension', 'datastore'), { nil: undefined }))
  .map(([extras, toolType]) =>
    toolType === undefined ? extras : { ...extras, 'gen_ai.tool.type': toolType },
  );

const modelCall: fc.Arbitrary<ModelCallRecord> = fc
  .record(
    {
      // Absent means chat: the reader never sets `chat` itself.
      operationName: fc.constantFrom('text_completion' as const, 'generate_content' as const),
      provider: fc.oneof(text, fc.constantFrom('openai', 'anthropic', 'aws.bedrock')),
      model: text,
      responseModel: text,
      inputMessages: fc.array(chatMessage, { maxLength: 5 }),
      tools: fc.array(toolDefinition, { maxLength: 3 }),
      output: fc.option(
        fc.record({
          text,
          toolCalls: fc.array(toolCall, { maxLength: 3 }),
          finishReason: fc.constantFrom(
            'stop' as const,
            'tool_call' as const,
            'length' as const,
            'content_filter' as const,
            'error' as const,
          ),
        }),
        { nil: null },
      ),
      usage: fc.record({ inputTokens: fc.nat(), outputTokens: fc.nat() }),
      costUsd: fc.double({ min: 0, max: 100, noNaN: true }),
      error: failure,
      startTimeUnixNano: nanos,
      endTimeUnixNano: nanos,
      // Absent or non-empty: the reader leaves it out when a span has no extras.
      extraAttributes: vendorAttributes,
    },
    {
      requiredKeys: [
        'provider',
        'model',
        'inputMessages',
        'output',
        'usage',
        'startTimeUnixNano',
        'endTimeUnixNano',
      ],
    },
  )
  .map((record) => record as ModelCallRecord);

const toolCallRecord = (startTimeUnixNano: string): fc.Arbitrary<ToolCallRecord> =>
  fc
    .record(
      {
        callId: text,
        name: text,
        arguments: rawArguments,
        result: text,
        isError: fc.boolean(),
        resultSource: fc.constantFrom('environment' as const, 'processor' as const, 'runtime' as const),
        error: failure,
        endTimeUnixNano: nanos,
        extraAttributes: toolExtraAttributes,
      },
      {
        requiredKeys: ['callId', 'name', 'arguments', 'result', 'isError', 'resultSource', 'endTimeUnixNano'],
      },
    )
    .map((record) => ({ ...record, startTimeUnixNano }) as ToolCallRecord);

/** Tool calls of a turn start in order, as they run one after the other. */
const toolCalls = fc.array(fc.bigInt({ min: 0n, max: 10n ** 12n }), { maxLength: 3 }).chain((gaps) => {
  let time = 1_767_225_600_000_000_000n;
  const starts = gaps.map((gap) => {
    time += gap;
    return time.toString();
  });
  return fc.tuple(...starts.map(toolCallRecord));
});

const turns: fc.Arbitrary<Turn[]> = fc
  .array(fc.tuple(fc.integer({ min: 1, max: 3 }), modelCall, toolCalls), { maxLength: 4 })
  .map((items) => {
    let index = -1;
    return items.map(([step, call, calls]) => {
      index += step;
      return { index, modelCall: call, toolCalls: calls };
    });
  });

const eventAttributeKey = fc
  .oneof(
    identifier,
    fc.tuple(identifier, identifier).map(([a, b]) => `${a}.${b}`),
  )
  .filter((key) => !key.startsWith('harnessx.'));

const trajectoryEvent: fc.Arbitrary<TrajectoryEvent> = fc
  .record(
    {
      name: text.filter((name) => name !== 'exception' && name !== 'gen_ai.evaluation.result'),
      turn: fc.nat({ max: 50 }),
      timeUnixNano: nanos,
      attributes: fc.dictionary(eventAttributeKey, fc.oneof(text, fc.integer(), finite, fc.boolean()), {
        maxKeys: 4,
      }),
    },
    { requiredKeys: ['name', 'timeUnixNano', 'attributes'] },
  )
  .map((event) => event as TrajectoryEvent);

const outcome = fc.constantFrom<EpisodeOutcome>(
  'success',
  'failure',
  'budget-exhausted',
  'interrupted',
  'aborted',
  'error',
);

/** Trajectories in every shape the runtime can produce. */
export const trajectoryArbitrary: fc.Arbitrary<Trajectory> = fc
  .record(
    {
      traceId: hex(16),
      spanId: hex(8),
      agentName: text,
      provider: text,
      model: text,
      harness: fc.record({ name: text, contentId: hex(32) }),
      taskId: text,
      suite: text,
      split: fc.constantFrom('adaptation', 'heldout'),
      seed: fc.integer(),
      outcome,
      success: fc.boolean(),
      reward: finite,
      usage: fc.record({
        inputTokens: fc.nat(),
        outputTokens: fc.nat(),
        costUsd: fc.double({ min: 0, max: 1e4, noNaN: true }),
      }),
      turns,
      events: fc.array(trajectoryEvent, { maxLength: 3 }),
      error: failure,
      startTimeUnixNano: nanos,
      endTimeUnixNano: nanos,
      extraAttributes: fc.dictionary(
        identifier.map((key) => `app.${key}`),
        jsonValue,
        { maxKeys: 3 },
      ),
    },
    {
      requiredKeys: [
        'traceId',
        'agentName',
        'provider',
        'model',
        'outcome',
        'success',
        'reward',
        'usage',
        'turns',
        'events',
        'startTimeUnixNano',
        'endTimeUnixNano',
        'extraAttributes',
      ],
    },
  )
  .map((trajectory) => trajectory as Trajectory);

/** Several episodes with distinct trace ids, as one request holds them. */
export const trajectoryBatchArbitrary: fc.Arbitrary<Trajectory[]> = fc.uniqueArray(trajectoryArbitrary, {
  minLength: 1,
  maxLength: 3,
  selector: (trajectory) => trajectory.traceId,
});
