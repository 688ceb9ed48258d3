import { camelKeys, snakeKeys } from '@perceptiq/platform';
import type { GraphqlAction, RouteInput } from '../route.js';

/** A GraphQL action whose single root field's value is the response (keys turned snake_case). */
export function gql(document: string, variables: (input: RouteInput) => Record<string, unknown> = () => ({})): GraphqlAction {
  return {
    kind: 'graphql',
    document,
    variables,
    shape: (data) => snakeKeys(Object.values(data)[0]),
  };
}

/** A mutation's one `input` argument: the JSON body with its keys turned camelCase. */
export const inputOf = (input: RouteInput) => ({ input: camelKeys(input.body) });
