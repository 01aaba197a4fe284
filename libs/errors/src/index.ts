export {
  PROBLEM_BASE,
  PROBLEM_CONTENT_TYPE,
  problemType,
  type FieldError,
  type ProblemDetails,
} from './problem-details';
export { ApiProblems, type ProblemRef } from './api-problems.decorator';
export {
  type CodeOf,
  defineErrors,
  DomainException,
  type DomainProblemExtra,
  type ErrorCodes,
  type ErrorDomain,
  type ErrorSpec,
} from './define-errors';
export { ProblemException, type ProblemInit } from './problem.exception';
export { type DeclaredProblem, declaredProblems } from './problem.registry';
export { ProblemExceptionFilter, sendProblem } from './problem.filter';
export { databaseInputError, databaseOutage, problemFromStatus, toProblem, type MappedProblem } from './to-problem';
export { flattenValidationErrors, ValidationPipe, ValidationProblem } from './validation';
