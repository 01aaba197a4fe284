export {
  PROBLEM_BASE,
  PROBLEM_CONTENT_TYPE,
  problemType,
  type FieldError,
  type ProblemDetails,
} from './problem-details';
export { DomainException, ProblemException, type ProblemInit } from './problem.exception';
export { ProblemExceptionFilter, sendProblem } from './problem.filter';
export { databaseInputError, databaseOutage, problemFromStatus, toProblem, type MappedProblem } from './to-problem';
export { flattenValidationErrors, ValidationPipe, ValidationProblem } from './validation';
