/** Loading harness specs from YAML or JSON files, with errors that name the file. */
import { readFile } from 'node:fs/promises';
import { parse as parseYaml } from 'yaml';
import { InputError } from '../errors.ts';
import { type HarnessSpec, parseHarnessSpec } from './spec.ts';

/** Parses harness text; the format follows the file extension (`.json`, else YAML, a JSON superset). */
export function parseHarnessText(text: string, source: string): HarnessSpec {
  let document: unknown;
  try {
    document = source.endsWith('.json') ? JSON.parse(text) : parseYaml(text, { maxAliasCount: 100 });
  } catch (error) {
    throw new InputError(
      'harness spec',
      source,
      [{ path: '', message: `cannot parse: ${(error as Error).message}` }],
      {
        cause: error,
      },
    );
  }
  return parseHarnessSpec(document, source);
}

export async function loadHarnessFile(path: string): Promise<HarnessSpec> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    throw new InputError(
      'harness spec',
      path,
      [{ path: '', message: `cannot read file: ${(error as Error).message}` }],
      {
        cause: error,
      },
    );
  }
  return parseHarnessText(text, path);
}
