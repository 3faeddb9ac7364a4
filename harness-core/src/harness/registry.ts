/**
 * Processor registry and deterministic resolution of a harness's processor list: options are
 * validated against each processor's schema, singleton groups are enforced, and the order follows
 * `order` rank, then `after` constraints, then position in the spec. Cycles are rejected at load.
 */
import { InputError, type InputIssue } from '../errors.ts';
import { zodIssuesToInputIssues } from '../schema.ts';
import type { ProcessorHooks } from './hooks.ts';
import { orderRank, type ProcessorDefinition } from './processor.ts';
import type { ProcessorRef } from './spec.ts';

export interface ResolvedProcessor {
  readonly id: string;
  readonly version: number;
  readonly definition: ProcessorDefinition<unknown>;
  readonly options: unknown;
  /** Fresh hooks for one episode. */
  instantiate(): ProcessorHooks;
}

export interface ResolveOptions {
  /**
   * Builds the definition of an evolved code processor (the sandbox supplies it; the harness layer
   * cannot import the sandbox). Throw to reject the processor; the message is reported at `path`.
   */
  codeProcessor?: (
    ref: Extract<ProcessorRef, { code: unknown }>,
    path: string,
  ) => ProcessorDefinition<unknown>;
}

export class ProcessorRegistry {
  readonly #definitions = new Map<string, ProcessorDefinition<unknown>>();

  register<O>(definition: ProcessorDefinition<O>): this {
    if (this.#definitions.has(definition.id))
      throw new Error(`processor "${definition.id}" is already registered`);
    this.#definitions.set(definition.id, definition as ProcessorDefinition<unknown>);
    return this;
  }

  get(id: string): ProcessorDefinition<unknown> | undefined {
    return this.#definitions.get(id);
  }

  ids(): string[] {
    return [...this.#definitions.keys()].sort();
  }

  /**
   * Resolves the processor references of a spec into an ordered list.
   * @throws InputError for unknown ids, bad options, singleton clashes or `after` cycles.
   */
  resolve(
    refs: readonly ProcessorRef[],
    source = 'harness spec',
    options: ResolveOptions = {},
  ): ResolvedProcessor[] {
    const issues: InputIssue[] = [];
    const entries: {
      ref: ProcessorRef;
      index: number;
      definition: ProcessorDefinition<unknown>;
      options: unknown;
    }[] = [];
    const seenIds = new Map<string, number>();
    const groups = new Map<string, string>();
    refs.forEach((ref, index) => {
      const at = `processors[${index}]`;
      let definition: ProcessorDefinition<unknown> | undefined;
      if ('code' in ref) {
        if (!options.codeProcessor) {
          issues.push({
            path: at,
            message: `code processor "${ref.id}" needs the sandbox executor, not the built-in registry`,
          });
          return;
        }
        if (this.#definitions.has(ref.id)) {
          issues.push({
            path: `${at}.id`,
            message: `code processor id "${ref.id}" is taken by a built-in processor`,
          });
          return;
        }
        try {
          definition = options.codeProcessor(ref, at);
        } catch (error) {
          issues.push({
            path: `${at}.code`,
            message: error instanceof Error ? error.message : String(error),
          });
          return;
        }
      } else {
        definition = this.#definitions.get(ref.id);
      }
      if (!definition) {
        issues.push({
          path: `${at}.id`,
          message: `unknown processor "${ref.id}"; known: ${this.ids().join(', ')}`,
        });
        return;
      }
      if (!('code' in ref) && ref.version !== definition.version) {
        issues.push({
          path: `${at}.version`,
          message: `"${ref.id}" is at version ${definition.version}, not ${ref.version}`,
        });
      }
      const previous = seenIds.get(ref.id);
      if (previous !== undefined) {
        issues.push({ path: `${at}.id`, message: `"${ref.id}" already appears at processors[${previous}]` });
        return;
      }
      seenIds.set(ref.id, index);
      if (definition.singletonGroup) {
        const holder = groups.get(definition.singletonGroup);
        if (holder) {
          issues.push({
            path: `${at}.id`,
            message: `"${ref.id}" and "${holder}" are both in singleton group "${definition.singletonGroup}"`,
          });
        } else groups.set(definition.singletonGroup, ref.id);
      }
      const parsed = definition.optionsSchema.safeParse(ref.options);
      if (!parsed.success) {
        for (const issue of zodIssuesToInputIssues(parsed.error)) {
          issues.push({ path: `${at}.options${issue.path ? `.${issue.path}` : ''}`, message: issue.message });
        }
        return;
      }
      entries.push({ ref, index, definition, options: parsed.data });
    });
    if (issues.length > 0) throw new InputError('harness spec', source, issues);

    const ordered = orderEntries(entries, source);
    return ordered.map(({ definition, options }) => ({
      id: definition.id,
      version: definition.version,
      definition,
      options,
      instantiate: () => definition.create(options),
    }));
  }
}

interface OrderableEntry {
  index: number;
  definition: ProcessorDefinition<unknown>;
}

/** Stable topological sort: among ready processors, the lowest (order rank, spec index) goes first. */
function orderEntries<E extends OrderableEntry>(entries: E[], source: string): E[] {
  const byId = new Map(entries.map((entry) => [entry.definition.id, entry]));
  const pending = new Map<string, Set<string>>();
  for (const entry of entries) {
    const deps = new Set((entry.definition.after ?? []).filter((id) => byId.has(id)));
    pending.set(entry.definition.id, deps);
  }
  const key = (entry: E): [number, number] => [orderRank(entry.definition.order), entry.index];
  const result: E[] = [];
  while (pending.size > 0) {
    const ready = [...pending.entries()].filter(([, deps]) => deps.size === 0).map(([id]) => byId.get(id)!);
    if (ready.length === 0) {
      const stuck = findCycle(pending);
      throw new InputError('harness spec', source, [
        { path: 'processors', message: `processor "after" constraints form a cycle: ${stuck.join(' -> ')}` },
      ]);
    }
    ready.sort((a, b) => {
      const [ra, ia] = key(a);
      const [rb, ib] = key(b);
      return ra - rb || ia - ib;
    });
    const next = ready[0]!;
    result.push(next);
    pending.delete(next.definition.id);
    for (const deps of pending.values()) deps.delete(next.definition.id);
  }
  return result;
}

function findCycle(pending: Map<string, Set<string>>): string[] {
  const start = [...pending.keys()].sort()[0]!;
  const path: string[] = [];
  let current = start;
  while (!path.includes(current)) {
    path.push(current);
    current = [...(pending.get(current) ?? [])].sort()[0] ?? current;
  }
  return [...path.slice(path.indexOf(current)), current];
}
