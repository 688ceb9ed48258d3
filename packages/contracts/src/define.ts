import type { z } from 'zod';

/** A request/reply operation on the bus: one subject, a request schema and a reply schema. */
export interface RequestContract<Req extends z.ZodType = z.ZodType, Rep extends z.ZodType = z.ZodType> {
  readonly kind: 'request';
  readonly subject: string;
  readonly request: Req;
  readonly reply: Rep;
}

/** A fact published for whoever cares; versioned so consumers can evolve independently. */
export interface EventContract<S extends z.ZodType = z.ZodType> {
  readonly kind: 'event';
  readonly subject: string;
  readonly version: number;
  readonly schema: S;
}

/** A durable job queue: every job is handled by exactly one worker and survives restarts. */
export interface QueueContract<S extends z.ZodType = z.ZodType> {
  readonly kind: 'queue';
  readonly name: string;
  readonly schema: S;
}

export const defineRequest = <Req extends z.ZodType, Rep extends z.ZodType>(
  subject: string,
  request: Req,
  reply: Rep,
): RequestContract<Req, Rep> => ({ kind: 'request', subject, request, reply });

export const defineEvent = <S extends z.ZodType>(subject: string, version: number, schema: S): EventContract<S> => ({
  kind: 'event',
  subject,
  version,
  schema,
});

export const defineQueue = <S extends z.ZodType>(name: string, schema: S): QueueContract<S> => ({
  kind: 'queue',
  name,
  schema,
});

export type RequestOf<C> = C extends RequestContract<infer Req, z.ZodType> ? z.infer<Req> : never;
export type ReplyOf<C> = C extends RequestContract<z.ZodType, infer Rep> ? z.infer<Rep> : never;
export type EventOf<C> = C extends EventContract<infer S> ? z.infer<S> : never;
export type JobOf<C> = C extends QueueContract<infer S> ? z.infer<S> : never;
