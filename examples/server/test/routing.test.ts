import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Api, METHODS, ROUTES, type Route, type Service } from '../src/index.js';

/** The rule routing follows, written plainly: of the method's routes, those with more literal segments first, the first whose segments match. */
function reference(method: string, path: string): Route | undefined {
  const parts = path.split('/').slice(1);
  if (path.length > 512 || parts.length > 12) return undefined;
  const literal = (r: Route): number => r.path.split('/').slice(1).filter((s) => !s.startsWith('{')).length;
  const candidates = ROUTES.filter((r) => r.method === method).sort((a, b) => literal(b) - literal(a));
  return candidates.find((r) => {
    const segments = r.path.split('/').slice(1);
    if (segments.length !== parts.length) return false;
    return segments.every((s, i) => {
      if (!s.startsWith('{')) return s === parts[i];
      if (parts[i] === '') return false;
      try {
        decodeURIComponent(parts[i]!);
        return true;
      } catch {
        return false;
      }
    });
  });
}

describe('routing', () => {
  const api = new Api(undefined as unknown as Service, ROUTES);
  // Paths built from the route templates: parameters filled with anything (empty, "me", broken
  // escapes), sometimes a literal replaced or a segment added or dropped.
  const path = fc
    .tuple(fc.constantFrom(...ROUTES), fc.array(fc.oneof(fc.constantFrom('', 'me', '%', '%zz', '123', 'messages', '{x}'), fc.string({ maxLength: 6 })), { minLength: 6, maxLength: 6 }), fc.nat({ max: 9 }))
    .map(([r, fills, twist]) => {
      let k = 0;
      const parts = r.path.split('/').slice(1).map((s) => (s.startsWith('{') ? fills[k++ % fills.length]! : s));
      if (twist === 0 && parts.length > 0) parts[0] = fills[5]!;
      if (twist === 1) parts.push(fills[4]!);
      if (twist === 2) parts.pop();
      return `/${parts.join('/')}`;
    });

  it('picks the route the plain rule picks, for any method and path built around the routes (property)', () => {
    fc.assert(
      fc.property(fc.constantFrom(...METHODS, 'PURGE'), path, (method, p) => {
        expect(api.routeOf(method, p)).toBe(reference(method, p));
      }),
      { numRuns: 3000 },
    );
  });

  it('prefers literal segments over parameters', () => {
    expect(api.routeOf('GET', '/users/me')?.path).toBe('/users/me');
    expect(api.routeOf('GET', '/users/123')?.path).toBe('/users/{userId}');
    expect(api.routeOf('GET', '/users/')).toBeUndefined();
  });
});
