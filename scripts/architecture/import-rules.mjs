/**
 * The import rules of DESIGN §2: layer direction inside harness-core/src, the deterministic gate,
 * where AWS and Lambda packages may appear, what the root entry may reach, and how functions/ may
 * use the library.
 */
import { existsSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { classifyCorePath, isTestOrFixture, MODEL_SDK_PATTERNS, mayValueImport } from './module-map.mjs';
import { toPosix } from './source-files.mjs';
import { findImports } from './source-scanner.mjs';

export const CORE_SRC = 'harness-core/src';
const AWS_ADAPTER = 'adapters/aws/';
const CORE_PACKAGE = '@harnessx/core';
const FUNCTION_ENTRIES = new Set([CORE_PACKAGE, `${CORE_PACKAGE}/aws`]);
// Tests may also start the emulators; handler code never may (they would end up in the Lambda bundle).
const FUNCTION_TEST_ENTRIES = new Set([
  ...FUNCTION_ENTRIES,
  `${CORE_PACKAGE}/testing`,
  `${CORE_PACKAGE}/aws-local`,
]);

/**
 * Reads harness-core/package.json's exports: which root files are entries, and which entries must
 * not reach adapters/aws (all but the "./aws" subpath).
 */
export function readCoreEntries(root) {
  const violations = [];
  const manifestPath = 'harness-core/package.json';
  let exportsField = { '.': './src/index.ts' };
  try {
    exportsField = JSON.parse(readFileSync(path.join(root, manifestPath), 'utf8')).exports ?? exportsField;
  } catch (error) {
    if (existsSync(path.join(root, manifestPath))) {
      violations.push({ file: manifestPath, line: 1, rule: 'package-exports', message: error.message });
    }
  }
  const targets = typeof exportsField === 'string' ? { '.': exportsField } : exportsField;
  const rootEntryFiles = new Set();
  const nonAwsEntries = [];
  for (const [subpath, target] of Object.entries(targets ?? {})) {
    const file = firstTarget(target);
    if (!file?.startsWith('./src/')) continue;
    const relativeToSrc = file.slice('./src/'.length);
    if (!relativeToSrc.includes('/')) rootEntryFiles.add(relativeToSrc);
    if (subpath !== './aws' && subpath !== './aws-local') nonAwsEntries.push({ subpath, relativeToSrc });
  }
  return { rootEntryFiles, nonAwsEntries, violations };
}

function firstTarget(target) {
  if (typeof target === 'string') return target;
  if (target === null || typeof target !== 'object') return undefined;
  for (const condition of ['import', 'default', 'node']) {
    const found = firstTarget(target[condition]);
    if (found) return found;
  }
  return undefined;
}

/** Resolves a relative specifier to an existing file when it can (for reachability), else the bare path. */
function resolveRelative(root, importer, specifier) {
  const base = path.resolve(path.dirname(path.join(root, importer)), specifier);
  const candidates = [base, `${base}.ts`, base.replace(/\.js$/, '.ts'), path.join(base, 'index.ts')];
  const found = candidates.find((candidate) => existsSync(candidate) && statSync(candidate).isFile());
  return toPosix(path.relative(root, found ?? base));
}

const isRelative = (specifier) => specifier.startsWith('./') || specifier.startsWith('../');
const matchesPackage = (specifier, name) => specifier === name || specifier.startsWith(`${name}/`);

function describeTypedOnly(edge) {
  return edge.allSpecifiersTyped
    ? ' (every specifier is `type`, but the module is still loaded: write `import type`)'
    : '';
}

/**
 * @param {string} root
 * @param {string[]} coreFiles posix paths under harness-core/src
 * @returns {{ violations: import('../check-architecture.mjs').Violation[] }}
 */
export function checkCoreImports(root, coreFiles) {
  const { rootEntryFiles, nonAwsEntries, violations } = readCoreEntries(root);
  /** Value-import edges between core files, for the root-entry reachability check. */
  const valueEdges = new Map();
  const report = (file, line, rule, message) => violations.push({ file, line, rule, message });

  for (const file of coreFiles) {
    const relativeToSrc = file.slice(CORE_SRC.length + 1);
    const isTest = isTestOrFixture(relativeToSrc);
    const inAwsAdapter = relativeToSrc.startsWith(AWS_ADAPTER);
    const inGate = relativeToSrc.startsWith('aegis/gate/');
    const from = classifyCorePath(relativeToSrc, rootEntryFiles);
    if (from.kind === 'unmapped' && !isTest) {
      report(file, 1, 'module-map', `folder ${from.layer}/ is not in DESIGN §2's module map`);
    }
    const edges = [];
    valueEdges.set(file, edges);
    for (const edge of findImports(readFileSync(path.join(root, file), 'utf8'))) {
      const { specifier, line } = edge;
      if (!inAwsAdapter && matchesPackage(specifier, '@aws-sdk')) {
        report(
          file,
          line,
          'aws-sdk-outside-adapter',
          `imports ${specifier}; only adapters/aws may use @aws-sdk/*`,
        );
      }
      if (!inAwsAdapter && (specifier.startsWith('@middy/') || matchesPackage(specifier, 'aws-lambda'))) {
        report(
          file,
          line,
          'lambda-runtime-in-core',
          `imports ${specifier}; middy and aws-lambda belong in functions/ (or adapters/aws), never the root entry`,
        );
      }
      if (isRelative(specifier)) {
        const target = resolveRelative(root, file, specifier);
        if (!target.startsWith(`${CORE_SRC}/`)) continue;
        const targetRelative = target.slice(CORE_SRC.length + 1);
        if (!edge.typeOnly && !isTest) edges.push({ target, line });
        if (isTest) continue;
        if (inGate && targetRelative.startsWith('providers/')) {
          report(
            file,
            line,
            'gate-imports-provider',
            `imports ${specifier}; the gate is deterministic and imports no provider`,
          );
        }
        const to = classifyCorePath(targetRelative, rootEntryFiles);
        if (!edge.typeOnly && !mayValueImport(from, to)) {
          report(
            file,
            line,
            'layer-direction',
            `${from.layer} value-imports ${to.layer} (${specifier}): upward in DESIGN §2's map${describeTypedOnly(edge)}`,
          );
        }
      } else if (!isTest) {
        if (inGate && MODEL_SDK_PATTERNS.some((pattern) => pattern.test(specifier))) {
          report(file, line, 'gate-imports-model-sdk', `imports ${specifier}; the gate imports no model SDK`);
        }
        if (matchesPackage(specifier, CORE_PACKAGE)) {
          report(
            file,
            line,
            'layer-direction',
            `imports its own package (${specifier}); use a relative import`,
          );
        }
      }
    }
  }
  checkRootEntryReach(nonAwsEntries, valueEdges, report);
  return { violations };
}

/** No entry but "./aws" may reach adapters/aws through value imports, however indirectly. */
function checkRootEntryReach(nonAwsEntries, valueEdges, report) {
  const reported = new Set();
  for (const entry of nonAwsEntries) {
    const start = `${CORE_SRC}/${entry.relativeToSrc}`;
    const previous = new Map([[start, undefined]]);
    const queue = [start];
    while (queue.length > 0) {
      const file = queue.shift();
      for (const { target, line } of valueEdges.get(file) ?? []) {
        if (previous.has(target)) continue;
        previous.set(target, file);
        if (!target.startsWith(`${CORE_SRC}/${AWS_ADAPTER}`)) {
          queue.push(target);
          continue;
        }
        const key = `${file}->${target}`;
        if (reported.has(key)) continue;
        reported.add(key);
        const chain = [];
        for (let step = target; step !== undefined; step = previous.get(step)) chain.unshift(step);
        report(
          file,
          line,
          'entry-reaches-aws',
          `the "${entry.subpath}" entry reaches ${target} via ${chain.map((step) => step.slice(CORE_SRC.length + 1)).join(' -> ')}; AWS adapters ship only through @harnessx/core/aws`,
        );
      }
    }
  }
}

/**
 * functions/ use the library only through its public entries (and tests also through /testing).
 * @param {string} root
 * @param {string[]} functionFiles posix paths under functions/
 */
export function checkFunctionImports(root, functionFiles) {
  const violations = [];
  for (const file of functionFiles) {
    const allowed = isTestOrFixture(file) ? FUNCTION_TEST_ENTRIES : FUNCTION_ENTRIES;
    for (const { specifier, line } of findImports(readFileSync(path.join(root, file), 'utf8'))) {
      if (isRelative(specifier)) {
        const target = resolveRelative(root, file, specifier);
        if (target.startsWith('functions/')) continue;
        violations.push({
          file,
          line,
          rule: 'functions-public-entries',
          message: `relative import of ${target} leaves functions/; import ${CORE_PACKAGE} instead`,
        });
      } else if (matchesPackage(specifier, CORE_PACKAGE) && !allowed.has(specifier)) {
        violations.push({
          file,
          line,
          rule: 'functions-public-entries',
          message: `imports ${specifier}; functions use only ${[...allowed].join(', ')}`,
        });
      }
    }
  }
  return violations;
}
