import { describe, expect, it } from 'vitest';
import { rankProposals, type ScoredProposal, trackRecordFactor } from './rank-hypotheses.ts';

const proposal = (
  editKey: string,
  score: number,
  kind: ScoredProposal['kind'],
  clusterIndex = 0,
  recipeIndex = 0,
) => ({
  editKey,
  score,
  kind,
  lever: 'verification',
  clusterIndex,
  recipeIndex,
});

describe('rankProposals', () => {
  it('keeps one copy of an edit proposed for two clusters, where it scores best', () => {
    const ranked = rankProposals(
      [
        proposal('compaction', 0.2, 'structural', 0),
        proposal('compaction', 0.45, 'structural', 1),
        proposal('pin', 0.3, 'structural', 0),
      ],
      { maxHypotheses: 8, structuralQuota: 3 },
    );
    expect(ranked.map((p) => [p.editKey, p.clusterIndex])).toEqual([
      ['compaction', 1],
      ['pin', 0],
    ]);
  });

  it('breaks score ties by cluster, then recipe, then edit', () => {
    const ranked = rankProposals(
      [
        proposal('b', 0.3, 'structural', 1, 0),
        proposal('c', 0.3, 'structural', 0, 1),
        proposal('a', 0.3, 'structural', 0, 1),
        proposal('d', 0.3, 'structural', 0, 0),
      ],
      { maxHypotheses: 8, structuralQuota: 0 },
    );
    expect(ranked.map((p) => p.editKey)).toEqual(['d', 'a', 'c', 'b']);
  });

  it('reserves the top slots for structural proposals, then ranks the rest by score', () => {
    const proposals = [
      proposal('prompt-1', 0.9, 'prompt'),
      proposal('prompt-2', 0.8, 'prompt'),
      proposal('struct-1', 0.5, 'structural'),
      proposal('struct-2', 0.1, 'structural'),
    ];
    expect(rankProposals(proposals, { maxHypotheses: 8, structuralQuota: 1 }).map((p) => p.editKey)).toEqual([
      'struct-1',
      'prompt-1',
      'prompt-2',
      'struct-2',
    ]);
    expect(rankProposals(proposals, { maxHypotheses: 3, structuralQuota: 5 }).map((p) => p.editKey)).toEqual([
      'struct-1',
      'struct-2',
      'prompt-1',
    ]);
  });
});

describe('trackRecordFactor', () => {
  it('is neutral without scored predictions and spans 0.75 to 1.25 with them', () => {
    expect(trackRecordFactor(undefined)).toBe(1);
    expect(trackRecordFactor({ lever: 'memory', shippedInLast3: 1, hitRate: 0, predictions: 0 })).toBe(1);
    expect(trackRecordFactor({ lever: 'memory', shippedInLast3: 1, hitRate: 0, predictions: 3 })).toBe(0.75);
    expect(trackRecordFactor({ lever: 'memory', shippedInLast3: 1, hitRate: 1, predictions: 3 })).toBe(1.25);
  });
});
