import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { featureRoutes } from '../src/features/featureRoutes.js';
import { guildScene, makeFeatureWorld } from './featureHelpers.js';

describe('feature routes', () => {
  it('refuse every call without a valid token', async () => {
    const w = await makeFeatureWorld();
    for (const r of featureRoutes(w.features)) {
      const path = r.path.replace(/\{[^}]+\}/g, '123');
      expect(r.auth, r.path).toBe(true);
      const none = await w.api.handle({ method: r.method, path, query: [], token: undefined, body: undefined, userAgent: 't' });
      expect(none.status, `${r.method} ${r.path}`).toBe(401);
      const bad = await w.api.handle({ method: r.method, path, query: [], token: 'x'.repeat(43), body: undefined, userAgent: 't' });
      expect(bad.status, `${r.method} ${r.path}`).toBe(401);
    }
  });

  it('answer any params, query and body with a typed 4xx or a success, never a 500 (fuzz)', async () => {
    const w = await makeFeatureWorld();
    const s = await guildScene(w);
    const routes = featureRoutes(w.features);
    const value = fc.oneof(fc.string({ maxLength: 30 }), fc.constantFrom(s.owner.id, s.member.id, s.guildId, s.general, s.secret, '0', '-1', '1e3', 'NaN', 'Infinity', '__proto__', 'constructor', 'x'.repeat(3000)));
    const body = fc.oneof(
      fc.constant(undefined),
      fc.jsonValue({ maxDepth: 2 }),
      fc.dictionary(fc.constantFrom('mediaId', 'upTo', 'guildId', 'code', '__proto__', 'constructor'), fc.oneof(value, fc.constant(null), fc.double(), fc.integer())),
    );
    await fc.assert(
      fc.asyncProperty(fc.nat(routes.length - 1), fc.array(value, { minLength: 3, maxLength: 3 }), fc.array(fc.tuple(fc.constantFrom('q', 'limit', 'since', 'until', 'hasAttachment', 'channelId', 'authorId', 'before', 'unread', '__proto__'), value), { maxLength: 4 }), body, fc.boolean(), async (i, params, query, b, asMember) => {
        const r = routes[i]!;
        let k = 0;
        const path = r.path.replace(/\{[^}]+\}/g, () => encodeURIComponent(params[k++]!));
        const res = await w.call(asMember ? s.member : s.owner, r.method, path, b, query);
        expect(res.status, `${r.method} ${path} ${JSON.stringify(res.body)}`).toBeLessThan(500);
        if (res.status >= 400) expect(res.body).toMatchObject({ code: expect.any(String), message: expect.any(String) });
      }),
      { numRuns: 250 },
    );
  });
});
