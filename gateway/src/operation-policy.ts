import { AppError, type Principal } from '@perceptiq/platform';
import { missingScope, type OperationAnalysis } from './analyze-operation.js';

/**
 * What a caller may run, decided the same way on every path through the gateway: every field's
 * scope must be held (else the whole operation is refused: no partial data), and the operation
 * must stay within the complexity limit.
 */
export function enforceOperationPolicy(analysis: OperationAnalysis, principal: Principal, complexity: number, maxComplexity: number): void {
  const granted = new Set<string>(principal.type === 'client' ? principal.client.scopes : []);
  const missing = missingScope(analysis.requirements, granted);
  if (missing) {
    throw new AppError('insufficient_scope', `This operation needs the "${missing}" scope.`, { required_scope: missing });
  }
  if (complexity > maxComplexity) {
    throw new AppError('invalid_request', `Operation complexity ${complexity} exceeds the limit of ${maxComplexity}.`, {
      complexity,
      limit: maxComplexity,
    });
  }
}
