/**
 * The meta-model path of evolve: LLM-written code processors, validated, smoke-tested in the
 * QuickJS sandbox and turned into a processor reference and a manifest change.
 */
export * from './code-processor-prompt.ts';
export * from './extract-javascript.ts';
export * from './propose-code-processor.ts';
export * from './smoke-episode.ts';
export * from './smoke-test.ts';
