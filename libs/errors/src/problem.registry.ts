/** A code some domain declared with `defineErrors`, with the status and title it answers with. */
export interface DeclaredProblem {
  readonly domain: string;
  readonly code: string;
  readonly status: number;
  readonly title: string;
}

const declared = new Map<string, DeclaredProblem[]>();

/** Records a declared code; the same code may stand in several domains, even with another status. */
export function registerProblem(problem: DeclaredProblem): void {
  const known = declared.get(problem.code) ?? [];
  if (known.some((p) => p.domain === problem.domain && p.status === problem.status)) return;
  declared.set(problem.code, [...known, problem]);
}

/** Every declaration of `code`, or of every code; a domain is known once its `*.errors.ts` is imported. */
export function declaredProblems(code?: string): readonly DeclaredProblem[] {
  return code === undefined ? [...declared.values()].flat() : (declared.get(code) ?? []);
}
