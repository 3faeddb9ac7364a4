/**
 * Turns the failure → edit table into concrete catalogue operator calls against the current spec:
 * add what is missing; re-configure (or skip) what is present; swap when a singleton group is
 * held by another processor. Every proposal is dry-run through the catalogue, so a plan only lists
 * edits that apply cleanly to the current version.
 */
import type { HarnessSpec } from '../../harness/spec.ts';
import { type Digest, type FailureCluster, failedTrajectoriesOf } from '../artifacts/digest.ts';
import type { Hypothesis, OperatorCall } from '../artifacts/plan.ts';
import { applyCatalogueEdit } from '../evolve/operators/index.ts';
import { builtinDefinition, processorIndex, singletonHolder } from '../evolve/operators/spec-access.ts';
import { type EditRecipe, FAILURE_EDIT_TABLE, type ProcessorRecipe } from './failure-edit-table.ts';
import { reconfiguration } from './processor-reconfiguration.ts';

/** Weight multiplier for turning a knob of a processor already present, rather than adding one. */
export const RECONFIGURATION_WEIGHT = 0.6;

/** One concrete edit proposed for one cluster. */
export interface EditProposal {
  lever: Hypothesis['lever'];
  kind: Hypothesis['kind'];
  edit: OperatorCall;
  weight: number;
  why: string;
  /** Position of the recipe in its class's table row: a tie-breaker that prefers primary fixes. */
  recipeIndex: number;
}

/**
 * How a missing processor is added: through its dedicated operator where one exists. Compaction's
 * threshold is its default, named explicitly so the manifest records the threshold it ships with.
 */
function addCall(id: string): OperatorCall {
  if (id === 'verify-before-finish') return { operator: 'add-verification', params: {} };
  if (id === 'state-tracker-memory') return { operator: 'set-memory', params: { kind: 'episode' } };
  if (id === 'context-compaction') return { operator: 'set-compaction', params: { maxContextTokens: 1500 } };
  return { operator: 'add-processor', params: { id } };
}

function processorProposal(
  recipe: ProcessorRecipe,
  spec: HarnessSpec,
): { edit: OperatorCall; weight: number; why: string } | undefined {
  if (recipe.processor === 'model-fallback' && spec.models.worker.fallback === undefined) return undefined;
  const index = processorIndex(spec, recipe.processor);
  if (index < 0) {
    const definition = builtinDefinition(recipe.processor);
    const holder = definition ? singletonHolder(spec, definition) : undefined;
    if (holder !== undefined) {
      return {
        edit: { operator: 'swap-processor', params: { from: holder, to: recipe.processor } },
        weight: recipe.weight,
        why: `${recipe.why} (swapped for "${holder}", which holds the same singleton group)`,
      };
    }
    return { edit: addCall(recipe.processor), weight: recipe.weight, why: recipe.why };
  }
  const ref = spec.processors[index]!;
  if ('code' in ref) return undefined;
  const options = reconfiguration(recipe.processor, ref.options, recipe.reconfigureFor);
  if (!options) return undefined;
  return {
    edit: { operator: 'configure-processor', params: { id: recipe.processor, options } },
    weight: recipe.weight * RECONFIGURATION_WEIGHT,
    why: `"${recipe.processor}" is already present; ${recipe.why}, so turn it one step further`,
  };
}

/** Processors that failed episodes of the cluster's class on its tasks failed in (any cluster of the class). */
function failingProcessors(digest: Digest, cluster: FailureCluster): string[] {
  const tasks = new Set(cluster.taskIds);
  const ids = failedTrajectoriesOf(digest)
    .filter(
      (t) => t.failureClass === cluster.failureClass && tasks.has(t.taskId) && t.processor !== undefined,
    )
    .map((t) => t.processor as string);
  return [...new Set(ids)].sort();
}

function recipeProposals(
  recipe: EditRecipe,
  recipeIndex: number,
  cluster: FailureCluster,
  spec: HarnessSpec,
  digest: Digest,
): EditProposal[] {
  switch (recipe.type) {
    case 'processor': {
      const proposal = processorProposal(recipe, spec);
      return proposal ? [{ lever: recipe.lever, kind: 'structural', recipeIndex, ...proposal }] : [];
    }
    case 'prompt':
      return [
        {
          lever: recipe.lever,
          kind: 'prompt',
          edit: { operator: 'append-system-prompt', params: { text: recipe.text } },
          weight: recipe.weight,
          why: recipe.why,
          recipeIndex,
        },
      ];
    case 'enable-cluster-tool': {
      const enabled = spec.slots.tools.enabled;
      if (cluster.tool === undefined || enabled === 'all' || enabled.includes(cluster.tool)) return [];
      return [
        {
          lever: recipe.lever,
          kind: 'structural',
          edit: { operator: 'enable-tool', params: { tool: cluster.tool } },
          weight: recipe.weight,
          why: recipe.why,
          recipeIndex,
        },
      ];
    }
    case 'remove-failing-processor':
      return failingProcessors(digest, cluster).flatMap((id) => {
        const definition = builtinDefinition(id);
        if (!definition || processorIndex(spec, id) < 0) return [];
        return [
          {
            lever: definition.dimension,
            kind: 'structural' as const,
            edit: { operator: 'remove-processor', params: { id } },
            weight: recipe.weight,
            why: `${recipe.why} ("${id}")`,
            recipeIndex,
          },
        ];
      });
  }
}

function applies(spec: HarnessSpec, edit: OperatorCall): boolean {
  try {
    applyCatalogueEdit(spec, edit);
    return true;
  } catch {
    return false;
  }
}

/** The edits proposed for one cluster, in table order, each one known to apply to `spec`. */
export function proposeEdits(cluster: FailureCluster, spec: HarnessSpec, digest: Digest): EditProposal[] {
  if (cluster.failureClass === 'none') return [];
  const recipes = FAILURE_EDIT_TABLE[cluster.failureClass];
  return recipes
    .flatMap((recipe, index) => recipeProposals(recipe, index, cluster, spec, digest))
    .filter((proposal) => applies(spec, proposal.edit));
}
