import { ServiceError } from './errors.js';
import type { Method, Priority, Route } from './routes.js';
import type { Caller, Service } from './Service.js';

/** A request as any transport (HTTP, the gateway's Request op) hands it over. */
export interface ApiRequest {
  method: string;
  /** Path without query, e.g. `/guilds/123`. */
  path: string;
  /** Query parameters; a key given twice is refused. */
  query: [string, string][];
  /** The bearer token, when the transport has one. */
  token: string | undefined;
  /** Already-authenticated caller (the gateway knows it from Identify). */
  caller?: Caller;
  /** Parsed JSON body, or `undefined` when there was none. */
  body: unknown;
  userAgent: string;
}

/** The answer: status and JSON body (absent for 204). */
export interface ApiResponse {
  status: number;
  body?: unknown;
  /** For 429 and 503: seconds until a retry may succeed. */
  retryAfterSeconds?: number;
}

/**
 * Admission control for overload: runs `work` now, later, or not at all (then it rejects
 * with ServiceError `overloaded`), depending on load and the route's priority. `flow` names
 * whom the request serves (the caller's user id, else its bearer token), so that under
 * overload one heavy caller's requests are shed before a light caller's.
 */
export type Admit = <T>(priority: Priority, work: () => Promise<T>, flow: string | undefined) => Promise<T>;

interface Compiled {
  route: Route;
  segments: string[];
  literal: number;
}

/**
 * Matches requests to {@link Route}s, validates params, query and body against their schemas,
 * authenticates, asks the admission hook, runs the handler and turns every failure into a
 * typed error answer. Transport-free and browser-safe.
 *
 * @example
 * ```ts
 * const api = new Api(service, ROUTES);
 * const res = await api.handle({ method: 'GET', path: '/users/me', query: [], token, body: undefined, userAgent: '' });
 * ```
 */
export class Api {
  private readonly byMethod = new Map<string, Map<number, Compiled[]>>();
  private readonly paths = new Map<number, Compiled[]>();

  /**
   * @param service - the logic
   * @param routes - the operations
   * @param admit - overload admission; none = admit everything
   * @param onError - told of every unexpected error (a bug, not bad input), for the log
   */
  constructor(
    readonly service: Service,
    readonly routes: readonly Route[],
    private readonly admit: Admit | undefined = undefined,
    private readonly onError: ((error: unknown, route: Route) => void) | undefined = undefined,
  ) {
    for (const route of routes) {
      const segments = route.path.split('/').slice(1);
      const c = { route, segments, literal: segments.filter((s) => !s.startsWith('{')).length };
      // Only routes of the request's method and segment count can match: a request tries a
      // handful of candidates, not every route of its method.
      let bySize = this.byMethod.get(route.method);
      if (!bySize) this.byMethod.set(route.method, (bySize = new Map()));
      let list = bySize.get(segments.length);
      if (!list) bySize.set(segments.length, (list = []));
      list.push(c);
      let anyMethod = this.paths.get(segments.length);
      if (!anyMethod) this.paths.set(segments.length, (anyMethod = []));
      anyMethod.push(c);
    }
    // Literal segments win over parameters: /users/me before /users/{userId}.
    for (const bySize of this.byMethod.values()) for (const list of bySize.values()) list.sort((a, b) => b.literal - a.literal);
  }

  private match(method: string, path: string): { route: Route; params: Record<string, string> } {
    const parts = path.split('/').slice(1);
    if (path.length > 512 || parts.length > 12) throw new ServiceError('not_found', 'no such route; see /openapi.json');
    for (const c of this.byMethod.get(method)?.get(parts.length) ?? []) {
      const params = matchSegments(c.segments, parts);
      if (params) return { route: c.route, params };
    }
    const other = (this.paths.get(parts.length) ?? []).find((c) => matchSegments(c.segments, parts));
    if (other) throw new ServiceError('method_not_allowed', `${method} is not allowed on ${path}; see /openapi.json`);
    throw new ServiceError('not_found', `no route ${method} ${path.slice(0, 100)}; see /openapi.json`);
  }

  /**
   * Finds the route a request would reach, without running it (for priorities and logs).
   * @param method - HTTP method
   * @param path - path without query
   * @returns the route or undefined
   */
  routeOf(method: string, path: string): Route | undefined {
    try {
      return this.match(method, path).route;
    } catch {
      return undefined;
    }
  }

  /**
   * Runs one request.
   * @param req - the request
   * @returns the answer; errors are answers too (never a throw)
   */
  async handle(req: ApiRequest): Promise<ApiResponse> {
    const observer = this.observer;
    const t0 = observer === undefined ? 0 : performance.now();
    let route: Route | undefined;
    let res: ApiResponse;
    try {
      const matched = this.match(req.method, req.path);
      route = matched.route;
      res = this.admit ? await this.admit(route.priority, () => this.run(matched.route, matched.params, req), req.caller?.userId ?? req.token) : await this.run(route, matched.params, req);
    } catch (e) {
      res = errorResponse(e);
    }
    observer?.(req.method, route, res.status, performance.now() - t0);
    return res;
  }

  /**
   * Told of every answer {@link Api.handle} gives: the request's method (as the client sent it),
   * the route that matched (undefined when none did), the status, and the milliseconds from
   * arrival to answer (admission wait included). For metrics; it must not throw.
   */
  observer: ((method: string, route: Route | undefined, status: number, ms: number) => void) | undefined = undefined;

  private async run(route: Route, params: Record<string, string>, req: ApiRequest): Promise<ApiResponse> {
    try {
      let caller = req.caller;
      if (route.auth && !caller) {
        if (req.token === undefined) throw new ServiceError('unauthorized', 'send "Authorization: Bearer <token>"; get a token from /auth/login');
        caller = await this.service.authenticate(req.token);
      }
      const query: Record<string, string> = {};
      for (const [k, v] of req.query) {
        if (Object.hasOwn(query, k)) throw new ServiceError('validation', `query parameter "${k.slice(0, 40)}" is given more than once`);
        query[k] = v;
      }
      const p = route.params.parse(params, 'path');
      const q = route.query.parse(query, 'query');
      let body: unknown;
      if (route.body) {
        if (req.body === undefined) throw new ServiceError('validation', 'this route needs a JSON body');
        body = route.body.parse(req.body, 'body');
      } else if (req.body !== undefined) {
        throw new ServiceError('validation', `${route.method} ${route.path} takes no body`);
      }
      const result = await route.handle({ service: this.service, caller: caller as Caller, params: p, query: q, body, userAgent: req.userAgent });
      return route.status === 204 ? { status: 204 } : { status: route.status, body: result };
    } catch (e) {
      if (!(e instanceof ServiceError)) this.onError?.(e, route);
      return errorResponse(e);
    }
  }
}

function matchSegments(segments: string[], parts: string[]): Record<string, string> | undefined {
  if (segments.length !== parts.length) return undefined;
  // Literals first, without allocating: most candidates fail on one.
  for (let i = 0; i < segments.length; i++) {
    const s = segments[i]!;
    if (s.charCodeAt(0) === 123 /* { */ ? parts[i] === '' : s !== parts[i]) return undefined;
  }
  const params: Record<string, string> = {};
  for (let i = 0; i < segments.length; i++) {
    const s = segments[i]!;
    const p = parts[i]!;
    if (s.startsWith('{')) {
      if (p === '') return undefined;
      let v: string;
      try {
        v = decodeURIComponent(p);
      } catch {
        return undefined;
      }
      params[s.slice(1, -1)] = v;
    } else if (s !== p) return undefined;
  }
  return params;
}

/**
 * Turns anything thrown into an answer: ServiceErrors keep their status and code; anything
 * else is a 500 whose message reveals nothing internal.
 *
 * @param e - what was thrown
 * @returns the answer
 * @example
 * ```ts
 * errorResponse(new ServiceError('not_found', 'no such guild')); // { status: 404, body: { code: 'not_found', message: ... } }
 * ```
 */
export function errorResponse(e: unknown): ApiResponse {
  if (e instanceof ServiceError) {
    const r: ApiResponse = { status: e.status, body: { code: e.code, message: e.message } };
    if (e.retryAfterMs !== undefined) r.retryAfterSeconds = Math.max(1, Math.ceil(e.retryAfterMs / 1000));
    return r;
  }
  return { status: 500, body: { code: 'internal', message: 'internal error' } };
}

/** Methods an {@link Api} serves. */
export const METHODS: readonly Method[] = ['GET', 'POST', 'PATCH', 'PUT', 'DELETE'];
