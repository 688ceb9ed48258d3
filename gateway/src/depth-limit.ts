import { GraphQLError, Kind, type ASTVisitor, type SelectionSetNode, type ValidationContext, type ValidationRule } from 'graphql';

/**
 * Refuses an operation nested deeper than `maxDepth` selection sets (introspection not counted), as
 * a validation rule beside graphql's own. Unlike graphql-depth-limit it measures each fragment once
 * and never follows a fragment back into itself (graphql's NoFragmentCyclesRule reports that), so
 * a cyclic fragment is a validation error, not a stack overflow.
 */
export function depthLimit(maxDepth: number): ValidationRule {
  return (context: ValidationContext): ASTVisitor => {
    const fragmentDepths = new Map<string, number>();
    const depthOf = (set: SelectionSetNode): number => {
      let deepest = 0;
      for (const selection of set.selections) {
        if (selection.kind === Kind.FIELD) {
          if (selection.selectionSet && !selection.name.value.startsWith('__')) deepest = Math.max(deepest, 1 + depthOf(selection.selectionSet));
        } else if (selection.kind === Kind.INLINE_FRAGMENT) {
          deepest = Math.max(deepest, depthOf(selection.selectionSet));
        } else {
          const name = selection.name.value;
          if (!fragmentDepths.has(name)) {
            fragmentDepths.set(name, 0); // while it is being measured, a spread back into it adds nothing
            const fragment = context.getFragment(name);
            if (fragment) fragmentDepths.set(name, depthOf(fragment.selectionSet));
          }
          deepest = Math.max(deepest, fragmentDepths.get(name)!);
        }
      }
      return deepest;
    };
    return {
      OperationDefinition(node) {
        const depth = depthOf(node.selectionSet);
        if (depth > maxDepth) context.reportError(new GraphQLError(`Operation depth ${depth} exceeds the limit of ${maxDepth}.`, { nodes: [node] }));
      },
    };
  };
}
