import type { Rule } from 'eslint';

export function roomOf(file: string): string;
export function isTestCode(file: string): boolean;
export function forbiddenImport(
  from: string,
  to: string | undefined,
  options?: { testCode?: boolean; target?: string },
): string | undefined;
declare const plugin: { meta: { name: string }; rules: Record<'rooms' | 'database-access', Rule.RuleModule> };
export default plugin;
