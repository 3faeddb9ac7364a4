/** Types for source-scanner.mjs, so that TypeScript tests can import it. */

export interface ImportEdge {
  /** What the statement imports, as written. */
  specifier: string;
  /** 1-based line of the `import`/`export` keyword. */
  line: number;
  /** Erased at runtime (`import type`, `export type`, `typeof import()`). */
  typeOnly: boolean;
  /** Every named specifier carries `type` but the statement does not: the module is still loaded. */
  allSpecifiersTyped: boolean;
  kind: 'import' | 'export' | 'side-effect' | 'dynamic';
}

/** Masks comments, string contents, templates and regular expressions, keeping offsets. */
export declare function maskSource(text: string): { masked: string; strings: Map<number, string> };

/** Lists the import edges of one source file. */
export declare function findImports(text: string): ImportEdge[];
