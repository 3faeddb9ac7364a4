/**
 * The installed packages a Lambda layer ships: a package and, transitively, its dependencies, found
 * the way Node resolves them (the nearest `node_modules` walking up) and copied as installed.
 */
import { cpSync, existsSync, mkdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { SystemError } from '@harnessx/core';

export interface InstalledPackage {
  readonly name: string;
  readonly version: string;
  /** Absolute folder of the installed package. */
  readonly dir: string;
}

function readManifest(dir: string): { version: string; dependencies: Record<string, string> } {
  const manifest = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as {
    version?: unknown;
    dependencies?: Record<string, string>;
  };
  return { version: String(manifest.version ?? ''), dependencies: manifest.dependencies ?? {} };
}

function findPackageDir(name: string, fromDir: string): string {
  let dir = fromDir;
  for (;;) {
    const candidate = join(dir, 'node_modules', name);
    if (existsSync(join(candidate, 'package.json'))) return candidate;
    const parent = dirname(dir);
    if (parent === dir) {
      throw new SystemError(`package "${name}" is not installed (looked up from ${fromDir}); run npm ci`, {
        code: 'INFRA_PACKAGE_MISSING',
      });
    }
    dir = parent;
  }
}

/** `roots` and everything they depend on, as installed below `fromDir`, sorted by name. */
export function packageClosure(roots: readonly string[], fromDir: string): InstalledPackage[] {
  const found = new Map<string, InstalledPackage>();
  const pending = roots.map((name) => ({ name, from: fromDir }));
  for (let next = pending.pop(); next; next = pending.pop()) {
    if (found.has(next.name)) continue;
    const dir = findPackageDir(next.name, next.from);
    const manifest = readManifest(dir);
    found.set(next.name, { name: next.name, version: manifest.version, dir });
    for (const dependency of Object.keys(manifest.dependencies))
      pending.push({ name: dependency, from: dir });
  }
  return [...found.values()].sort((a, b) => a.name.localeCompare(b.name));
}

/** Copies each package to `<targetDir>/<name>` (scoped names keep their scope folder). */
export function copyPackages(packages: readonly InstalledPackage[], targetDir: string): void {
  for (const pkg of packages) {
    const target = join(targetDir, pkg.name);
    mkdirSync(dirname(target), { recursive: true });
    cpSync(pkg.dir, target, { recursive: true, dereference: true });
  }
}
