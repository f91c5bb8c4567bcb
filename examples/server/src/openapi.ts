import type { Route } from './routes.js';
import type { JsonSchema } from './schema.js';

const ERROR_SCHEMA = {
  type: 'object',
  properties: { code: { type: 'string' }, message: { type: 'string' } },
  required: ['code', 'message'],
};

/**
 * The OpenAPI 3.1 document of the routes, built from the same schemas that validate requests.
 *
 * @param routes - the operations
 * @param info - title and version
 * @returns the document, ready for JSON.stringify
 * @example
 * ```ts
 * const doc = openApiDocument(ROUTES, { title: 'Chorus', version: '0.1.0' });
 * Object.keys(doc.paths).length > 0; // true
 * ```
 */
export function openApiDocument(routes: readonly Route[], info: { title: string; version: string }): { openapi: string; info: object; paths: Record<string, Record<string, unknown>>; components: object } {
  const paths: Record<string, Record<string, unknown>> = {};
  for (const r of routes) {
    const parameters: unknown[] = [];
    const params = r.params.json['properties'] as Record<string, JsonSchema>;
    for (const [name, schema] of Object.entries(params)) parameters.push({ name, in: 'path', required: true, schema });
    const query = r.query.json['properties'] as Record<string, JsonSchema>;
    for (const [name, schema] of Object.entries(query)) parameters.push({ name, in: 'query', required: false, schema });
    const responses: Record<string, unknown> = {
      [String(r.status)]: { description: r.status === 204 ? 'done' : 'ok' },
      '400': { description: 'invalid request', content: { 'application/json': { schema: { $ref: '#/components/schemas/Error' } } } },
      '503': { description: 'overloaded; retry after the Retry-After header', content: { 'application/json': { schema: { $ref: '#/components/schemas/Error' } } } },
    };
    if (r.auth) {
      responses['401'] = { description: 'missing or revoked token' };
      responses['403'] = { description: 'lacking a permission' };
      responses['404'] = { description: 'not found or not visible to the caller' };
    }
    const op: Record<string, unknown> = {
      summary: r.summary,
      tags: [r.tag],
      operationId: `${r.method.toLowerCase()}${r.path.replace(/[{}]/g, '').replace(/\/(\w)/g, (_, c: string) => c.toUpperCase())}`,
      parameters,
      responses,
      'x-priority': r.priority,
    };
    if (r.auth) op['security'] = [{ bearer: [] }];
    if (r.body) op['requestBody'] = { required: true, content: { 'application/json': { schema: r.body.json } } };
    (paths[r.path] ??= {})[r.method.toLowerCase()] = op;
  }
  return {
    openapi: '3.1.0',
    info,
    paths,
    components: { schemas: { Error: ERROR_SCHEMA }, securitySchemes: { bearer: { type: 'http', scheme: 'bearer' } } },
  };
}
