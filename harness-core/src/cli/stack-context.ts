/**
 * Where `harnessx stack` keeps things: the state folder (`.harnessx/stack` under the working
 * directory, or `HARNESSX_STACK_DIR`) with `stack.json` and `stack.log`, and the repository the
 * functions are bundled from (this checkout: the stack runs the handlers under `functions/`).
 */
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { z } from 'zod';
import type { ProjectConfig } from '../aegis/project.ts';
import type { HarnessSpec } from '../harness/spec.ts';
import type { CliIo } from './io.ts';

export const REPO_ROOT = fileURLToPath(new URL('../../../', import.meta.url));
export const HARNESSX_BIN = join(REPO_ROOT, 'harness-core', 'bin', 'harnessx.js');

export function stackStateDir(io: CliIo): string {
  return resolve(io.env.HARNESSX_STACK_DIR || join('.harnessx', 'stack'));
}

export function stackLogPath(stateDir: string): string {
  return join(stateDir, 'stack.log');
}

export const portFlagSchema = z.coerce
  .number({ error: 'expected a port number' })
  .int('expected a port number')
  .min(0, 'expected a port 0-65535 (0: any free port)')
  .max(65_535, 'expected a port 0-65535 (0: any free port)');

export interface ProjectToRegister {
  project: ProjectConfig;
  baselineSpec: HarnessSpec;
  path: string;
}

/** Progress on stderr, one line each, the way every command reports what it is doing. */
export function progress(io: CliIo, line: string): void {
  io.stderr.write(`harnessx stack: ${line}\n`);
}
