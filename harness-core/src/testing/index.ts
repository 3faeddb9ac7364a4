/**
 * `@harnessx/core/testing`: named test doubles. None of these is used on a user's path unless the
 * user asks for it (the CLI's `simulated` worker provider is the one documented exception).
 */

export * from './scripted-environment.ts';
export * from './scripted-meta-model.ts';
export { callTool, ScriptedModel, type ScriptedModelOptions, type ScriptedStep } from './scripted-model.ts';
export * from './simulated-worker/index.ts';
