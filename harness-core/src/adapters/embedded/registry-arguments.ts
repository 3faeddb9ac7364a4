/**
 * Argument checks every `Registry` adapter shares: names are non-empty strings of bounded length, so
 * the embedded file and DynamoDB refuse exactly the same calls; each adapter adds its own limit
 * (reserved names in a JSON file, key bytes in DynamoDB).
 */
import { InputError, type InputIssue } from '../../errors.ts';
import { MAX_REGISTRY_NAME_LENGTH } from './registry-file.ts';

/** Returns a checker that throws one `InputError` listing every bad argument (and any `extra` issue). */
export function registryArgumentChecker(
  source: string,
  adapterRule: (value: string) => string | undefined,
): (fields: Record<string, unknown>, extra?: InputIssue[]) => void {
  return (fields, extra = []) => {
    const issues: InputIssue[] = [...extra];
    for (const [field, value] of Object.entries(fields)) {
      const problem =
        typeof value !== 'string' || value.length === 0
          ? 'expected a non-empty string'
          : value.length > MAX_REGISTRY_NAME_LENGTH
            ? `longer than ${MAX_REGISTRY_NAME_LENGTH} characters`
            : adapterRule(value);
      if (problem !== undefined) issues.push({ path: field, message: problem });
    }
    if (issues.length > 0) throw new InputError('registry argument', source, issues);
  };
}
