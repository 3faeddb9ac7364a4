/** The shape every benchmark returns and `run-all.ts` writes to `bench/results/<name>.json`. */
export interface BenchResult {
  name: string;
  /** Ours divided by the baseline measured in the same run; higher is better. */
  ratio: number;
  target: number;
  unit: string;
  details: Record<string, number | string>;
}

/** Best (highest) throughput of `runs` measurements, after one warm-up. */
export async function bestOf(runs: number, measure: () => Promise<number>): Promise<number> {
  await measure();
  let best = 0;
  for (let i = 0; i < runs; i++) best = Math.max(best, await measure());
  return best;
}
