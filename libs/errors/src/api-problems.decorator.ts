import { applyDecorators } from '@nestjs/common';
import { ApiResponse } from '@nestjs/swagger';
import { declaredProblems } from './problem.registry';

/** A code, or a code with its status where several domains declare it with different ones. */
export type ProblemRef = string | { readonly code: string; readonly status: number };

/** The status of each code, grouped: status to its codes, in the order given. */
function problemsByStatus(refs: readonly ProblemRef[]): Map<number, string[]> {
  const byStatus = new Map<number, string[]>();
  for (const ref of refs) {
    const { code, status } = typeof ref === 'string' ? { code: ref, status: statusOf(ref) } : ref;
    const codes = byStatus.get(status) ?? [];
    if (!codes.includes(code)) byStatus.set(status, [...codes, code]);
  }
  return byStatus;
}

function statusOf(code: string): number {
  const declared = declaredProblems(code);
  const statuses = [...new Set(declared.map((p) => p.status))];
  if (statuses.length === 1) return statuses[0];
  if (statuses.length === 0)
    throw new Error(`ApiProblems: no defineErrors declares the code ${code} (is its *.errors.ts imported?).`);
  const where = declared.map((p) => `${p.status} in ${p.domain}`).join(', ');
  throw new Error(
    `ApiProblems: the code ${code} has several statuses (${where}); pass the one meant, e.g. XException.problems.Name.`,
  );
}

/**
 * Documents the problems a route answers with, by code: one response per status, its description
 * the codes (`` `queue_not_found`, `job_not_found` ``), as `@ApiNotFoundResponse(...)` would say it.
 */
export function ApiProblems(...refs: readonly ProblemRef[]): MethodDecorator & ClassDecorator {
  return applyDecorators(
    ...[...problemsByStatus(refs)].map(([status, codes]) =>
      ApiResponse({ status, description: codes.map((code) => `\`${code}\``).join(', ') }),
    ),
  );
}
