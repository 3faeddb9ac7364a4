/** Types for check-architecture.mjs, so that TypeScript tests can import it. */

/** One broken rule, printed as `file:line: rule: message`. */
export interface Violation {
  /** Posix path relative to the repository root. */
  file: string;
  /** 1-based line. */
  line: number;
  /** Stable rule id, e.g. `layer-direction`. */
  rule: string;
  message: string;
}

/** Folders whose source files carry the 400-line budget. */
export declare const LINE_BUDGET_FOLDERS: readonly string[];

/** Runs every rule over the repository at `root`. */
export declare function runArchitectureCheck(root: string): { filesChecked: number; violations: Violation[] };

/** The violations of the repository at `root`; empty when it follows DESIGN §2. */
export declare function checkArchitecture(root: string): Violation[];

/** `file:line: rule: message`. */
export declare function formatViolation(violation: Violation): string;
