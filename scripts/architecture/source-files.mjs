/** Lists the source files the architecture check reads, as posix paths relative to the repository root. */
import { existsSync, readdirSync } from 'node:fs';
import path from 'node:path';

/** Build outputs, dependencies and local state: never sources. */
const SKIPPED_DIRECTORIES = new Set(['node_modules', 'cdk.out', 'dist', 'build', 'coverage', 'results']);

export const SOURCE_EXTENSIONS = ['.ts', '.mts', '.cts', '.js', '.mjs', '.cjs'];

/** True for a file whose imports and length are checked (declaration files are generated or ambient). */
export function isSourceFile(name) {
  if (/\.d\.[cm]?ts$/.test(name)) return false;
  return SOURCE_EXTENSIONS.some((extension) => name.endsWith(extension));
}

/**
 * Walks `relativeDirectory` under `root` (absent: no files), skipping hidden and build folders.
 * @param {string} root
 * @param {string} relativeDirectory
 * @returns {string[]} sorted posix paths relative to root
 */
export function listSourceFiles(root, relativeDirectory) {
  const start = path.join(root, relativeDirectory);
  if (!existsSync(start)) return [];
  const found = [];
  const visit = (directory) => {
    for (const entry of readdirSync(directory, { withFileTypes: true })) {
      if (entry.name.startsWith('.')) continue;
      const full = path.join(directory, entry.name);
      if (entry.isDirectory()) {
        if (!SKIPPED_DIRECTORIES.has(entry.name)) visit(full);
      } else if (entry.isFile() && isSourceFile(entry.name)) {
        found.push(toPosix(path.relative(root, full)));
      }
    }
  };
  visit(start);
  return found.sort();
}

export function toPosix(filePath) {
  return filePath.split(path.sep).join('/');
}
