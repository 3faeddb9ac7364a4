#!/usr/bin/env node
/**
 * Enforces DESIGN §2 after Biome in `npm run lint`: the module map's layer direction, the
 * provider-free gate, AWS/Lambda packages only where they belong, functions/ through public entries
 * only, and the 400-line budget with its shrink-only allowlist.
 *
 * Usage: `node scripts/check-architecture.mjs [root]` — prints `file:line: rule: message` per
 * violation and exits 1, or prints `architecture check: N files, 0 violations`.
 */
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { CORE_SRC, checkCoreImports, checkFunctionImports } from './architecture/import-rules.mjs';
import { checkLineBudget } from './architecture/line-budget.mjs';
import { isTestOrFixture } from './architecture/module-map.mjs';
import { listSourceFiles } from './architecture/source-files.mjs';

/**
 * @typedef {object} Violation
 * @property {string} file posix path relative to the repository root
 * @property {number} line 1-based
 * @property {string} rule stable rule id, e.g. `layer-direction`
 * @property {string} message what is wrong and what to do
 */

/** Folders whose source files carry the line budget (DESIGN §2). */
export const LINE_BUDGET_FOLDERS = [CORE_SRC, 'functions', 'infra', 'layers', 'scripts', 'bench'];

/**
 * Runs every rule over the repository at `root`.
 * @param {string} root repository root
 * @returns {{ filesChecked: number, violations: Violation[] }}
 */
export function runArchitectureCheck(root) {
  const coreFiles = listSourceFiles(root, CORE_SRC);
  const functionFiles = listSourceFiles(root, 'functions');
  const budgetFiles = LINE_BUDGET_FOLDERS.flatMap((folder) => listSourceFiles(root, folder)).filter(
    (file) => !isTestOrFixture(file),
  );
  const violations = [
    ...checkCoreImports(root, coreFiles).violations,
    ...checkFunctionImports(root, functionFiles),
    ...checkLineBudget(root, budgetFiles),
  ];
  violations.sort((a, b) => a.file.localeCompare(b.file) || a.line - b.line || a.rule.localeCompare(b.rule));
  const filesChecked = new Set([...coreFiles, ...functionFiles, ...budgetFiles]).size;
  return { filesChecked, violations };
}

/**
 * The violations of the repository at `root`; empty when it follows DESIGN §2.
 * @param {string} root
 * @returns {Violation[]}
 * @example
 * const problems = checkArchitecture(process.cwd());
 * for (const problem of problems) console.error(formatViolation(problem));
 */
export function checkArchitecture(root) {
  return runArchitectureCheck(root).violations;
}

/** `file:line: rule: message`, the form editors and CI logs link. */
export function formatViolation(violation) {
  return `${violation.file}:${violation.line}: ${violation.rule}: ${violation.message}`;
}

function main() {
  const root = path.resolve(process.argv[2] ?? path.join(path.dirname(fileURLToPath(import.meta.url)), '..'));
  const { filesChecked, violations } = runArchitectureCheck(root);
  for (const violation of violations) console.error(formatViolation(violation));
  const summary = `architecture check: ${filesChecked} files, ${violations.length} violations`;
  if (violations.length > 0) {
    console.error(summary);
    process.exitCode = 1;
  } else console.log(summary);
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) main();
