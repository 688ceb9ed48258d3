import { AppError, camelKeys, requireAdmin, requireClient, snakeKeys, tooManyFromAddress, type SubgraphContext, type SubgraphResolvers } from '@perceptiq/platform';
import type { AccessService, Actor } from './access-service.js';
import type { IpGuard } from './ip-guard.js';

type Args = Record<string, unknown>;

/**
 * GraphQL is a thin shell over the access service: inputs become snake_case and go through the
 * same zod bodies as REST (so `invalid_request` details match), results come back camelCase.
 */
export function createResolvers(service: AccessService, ipGuard: IpGuard): SubgraphResolvers {
  const admin = <T>(ctx: SubgraphContext, run: () => Promise<T>) => {
    requireAdmin(ctx);
    return run().then(camelKeys);
  };
  return {
    Query: {
      me: (_: unknown, __: Args, ctx: SubgraphContext) => camelKeys(requireClient(ctx)),
      accessRequests: (_: unknown, args: Args, ctx: SubgraphContext) => admin(ctx, () => service.listRequests(input(args))),
      clients: (_: unknown, __: Args, ctx: SubgraphContext) => admin(ctx, () => service.listClients()),
      auditLog: (_: unknown, args: Args, ctx: SubgraphContext) => admin(ctx, () => service.auditLog(input(args))),
    },
    Mutation: {
      requestAccess: async (_: unknown, args: Args, ctx: SubgraphContext) => {
        await admitRequester(ipGuard, ctx);
        return camelKeys(await service.requestAccess(input(args.input), actor(ctx)));
      },
      enableAccess: (_: unknown, args: Args, ctx: SubgraphContext) => admin(ctx, () => service.enable(input(args.input), actor(ctx))),
      rotateKey: (_: unknown, args: Args, ctx: SubgraphContext) => admin(ctx, () => service.rotate(input(args.input), actor(ctx))),
      revokeAccess: (_: unknown, args: Args, ctx: SubgraphContext) => admin(ctx, () => service.revoke(input(args.input), actor(ctx))),
    },
  };
}

/**
 * GraphQL's explicit nulls mean "not given", as an absent REST field does. The copy matters too:
 * graphql-js builds input objects without a prototype, which `snakeKeys` leaves unconverted.
 */
function input(value: unknown): Args {
  const given = Object.entries(value ?? {}).filter(([, v]) => v !== null);
  return snakeKeys<Args>(Object.fromEntries(given));
}

/**
 * Access is asked for without a key (the public REST route, whose caller's address is counted
 * here, once per request — so aliases in one GraphQL operation count once each), or by an admin.
 * A partner key never asks: it already has access, and its calls must not escape the address budget.
 */
async function admitRequester(ipGuard: IpGuard, ctx: SubgraphContext): Promise<void> {
  if (ctx.principal.type === 'admin') return;
  if (ctx.principal.type !== 'public') {
    throw new AppError('forbidden', 'Access is requested without an API key, through POST /api/access/request.');
  }
  const budget = await ipGuard.admitAccessRequest(ctx.ip);
  if (!budget.allowed) throw tooManyFromAddress(budget.reset_seconds);
}

const actor = (ctx: SubgraphContext): Actor => ({ actor: ctx.principal.type === 'admin' ? 'admin' : 'public', ip: ctx.ip });
