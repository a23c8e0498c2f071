// Reading a request's inputs through zod: query parameters, the JSON body, path parameters. A refusal is
// one 400 `invalid` whose message names each field that is wrong and says what it must be.
import type { Context } from 'hono';
import type { z } from 'zod';
import type { AppEnv } from './deps.ts';
import { ApiError } from './errors.ts';

type Where = 'query parameter' | 'body field' | 'path parameter';

/** zod's issues as sentences that start with the field: `body field labels.env: must be ...`. */
export function describeIssues(where: Where, issues: readonly z.core.$ZodIssue[]): string {
  return issues
    .map((issue) => {
      if (issue.code === 'unrecognized_keys') {
        return issue.keys.map((key) => `${where} ${key}: is not one this route takes`).join('; ');
      }
      const field = issue.path.map(String).join('.');
      return field === '' ? `${where}s: ${issue.message}` : `${where} ${field}: ${issue.message}`;
    })
    .join('; ');
}

function parsed<S extends z.ZodType>(schema: S, input: unknown, where: Where, field?: string): z.output<S> {
  const result = schema.safeParse(input);
  if (result.success) return result.data;
  const issues = result.error.issues.map((issue) =>
    field === undefined ? issue : { ...issue, path: [field, ...issue.path] },
  );
  throw new ApiError('invalid', describeIssues(where, issues));
}

export function readQuery<S extends z.ZodType>(c: Context<AppEnv>, schema: S): z.output<S> {
  return parsed(schema, c.req.query(), 'query parameter');
}

export function readParam<S extends z.ZodType>(c: Context<AppEnv>, name: string, schema: S): z.output<S> {
  return parsed(schema, c.req.param(name), 'path parameter', name);
}

/** The body as JSON, checked; bodyLimit (app.ts) has bounded its size already. */
export async function readBody<S extends z.ZodType>(c: Context<AppEnv>, schema: S): Promise<z.output<S>> {
  const text = await c.req.text();
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch (error) {
    throw new ApiError('invalid', 'request body: must be JSON', { cause: error });
  }
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    throw new ApiError('invalid', 'request body: must be a JSON object');
  }
  return parsed(schema, body, 'body field');
}
