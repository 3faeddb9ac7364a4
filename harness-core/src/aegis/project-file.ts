/**
 * Reading a foundry project file (YAML or JSON). Apart from the schema so that code which only
 * validates projects (the serverless functions) never loads a YAML parser.
 */
import { readFile } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { parse as parseYaml } from 'yaml';
import { InputError } from '../errors.ts';
import { findForbiddenKeys, parseWith } from '../schema.ts';
import { type ProjectConfig, projectSchema } from './project.ts';

export interface LoadedProject {
  config: ProjectConfig;
  /** Absolute path of the baseline harness file. */
  baselinePath: string;
  source: string;
}

export async function loadProjectFile(path: string): Promise<LoadedProject> {
  let document: unknown;
  try {
    document = parseYaml(await readFile(path, 'utf8'), { maxAliasCount: 100 });
  } catch (error) {
    throw new InputError(
      'foundry project',
      path,
      [{ path: '', message: `cannot read or parse: ${(error as Error).message}` }],
      {
        cause: error,
      },
    );
  }
  const forbidden = findForbiddenKeys(document);
  if (forbidden.length > 0) throw new InputError('foundry project', path, forbidden);
  const config = parseWith(projectSchema, document, 'foundry project', path);
  return { config, baselinePath: resolve(dirname(path), config.harness.baseline), source: path };
}
