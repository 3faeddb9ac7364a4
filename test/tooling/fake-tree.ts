/** Builds throwaway repository trees in a temp folder for the tooling tests. */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

/** A temp folder and a writer of `relative path → content` files into it. */
export interface FakeTree {
  root: string;
  write(files: Record<string, string>): void;
  remove(): void;
}

export function createFakeTree(prefix = 'harnessx-tooling-'): FakeTree {
  const root = mkdtempSync(path.join(tmpdir(), prefix));
  return {
    root,
    write(files) {
      for (const [relative, content] of Object.entries(files)) {
        const full = path.join(root, relative);
        mkdirSync(path.dirname(full), { recursive: true });
        writeFileSync(full, content);
      }
    },
    remove() {
      rmSync(root, { recursive: true, force: true });
    },
  };
}

/** `count` lines of code (each ends with a newline). */
export function linesOfCode(count: number): string {
  return Array.from({ length: count }, (_, index) => `export const value${index} = ${index};\n`).join('');
}
