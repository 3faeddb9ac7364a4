/**
 * The repository root: function entries, the sandbox worker scripts and the lock file are found
 * relative to it, so `cdk synth` works from any working directory.
 */
import { fileURLToPath } from 'node:url';

export const REPOSITORY_ROOT = fileURLToPath(new URL('../../', import.meta.url));
