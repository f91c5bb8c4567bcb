import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  ALL_PERMISSIONS,
  DEFAULT_MEMBER_PERMISSIONS,
  Permission,
  RateLimiter,
  SNOWFLAKE_EPOCH,
  SnowflakeGenerator,
  TOKEN_PATTERN,
  channelPermissions,
  compareIds,
  hashPassword,
  isSnowflake,
  newToken,
  snowflakeAt,
  snowflakeTime,
  tokenHash,
  verifyPassword,
  type Override,
} from '../src/index.js';
import { FAST_ARGON2 } from './helpers.js';

describe('SnowflakeGenerator', () => {
  it('mints strictly increasing ids whatever the clock does, and keeps their time', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: -5, max: 5 }), { minLength: 1, maxLength: 5000 }), fc.integer({ min: 0, max: 1023 }), (steps, worker) => {
        let t = SNOWFLAKE_EPOCH + 1_000_000;
        const gen = new SnowflakeGenerator({ worker, now: () => t });
        let prev = '0';
        let maxT = 0;
        for (const d of steps) {
          t += d;
          maxT = Math.max(maxT, t);
          const id = gen.next();
          expect(isSnowflake(id)).toBe(true);
          expect(compareIds(prev, id)).toBeLessThan(0);
          // The id's time never runs behind the clock's latest reading (it may borrow ahead).
          expect(snowflakeTime(id)).toBeGreaterThanOrEqual(Math.min(maxT, t));
          prev = id;
        }
      }),
      { numRuns: 50 },
    );
  });

  it('borrows the next millisecond after 4096 ids in one', () => {
    const gen = new SnowflakeGenerator({ now: () => SNOWFLAKE_EPOCH + 10 });
    const ids = Array.from({ length: 5000 }, () => gen.next());
    expect(new Set(ids).size).toBe(5000);
    expect(snowflakeTime(ids[4095]!)).toBe(SNOWFLAKE_EPOCH + 10);
    expect(snowflakeTime(ids[4096]!)).toBe(SNOWFLAKE_EPOCH + 11);
  });

  it('compareIds orders like BigInt, and snowflakeAt bounds a millisecond', () => {
    fc.assert(
      fc.property(fc.bigInt({ min: 1n, max: (1n << 63n) - 1n }), fc.bigInt({ min: 1n, max: (1n << 63n) - 1n }), (a, b) => {
        expect(Math.sign(compareIds(a.toString(), b.toString()))).toBe(a < b ? -1 : a > b ? 1 : 0);
      }),
    );
    const gen = new SnowflakeGenerator({ now: () => SNOWFLAKE_EPOCH + 500 });
    expect(compareIds(snowflakeAt(SNOWFLAKE_EPOCH + 500), gen.next())).toBeLessThanOrEqual(0);
    expect(() => new SnowflakeGenerator({ worker: 1024 })).toThrow(/0..1023/);
  });
});

// A direct transcription of the documented order, as the reference the implementation must equal.
function reference(isOwner: boolean, everyone: number, roles: { id: string; permissions: number }[], overrides: Override[], me: string): number {
  if (isOwner) return ALL_PERMISSIONS;
  let bits = roles.reduce((a, r) => a | r.permissions, everyone);
  if (bits & Permission.Administrator) return ALL_PERMISSIONS;
  const e = overrides.filter((o) => o.targetType === 'role' && o.targetId === 'g');
  for (const o of e) bits = (bits & ~o.deny) | o.allow;
  const mine = overrides.filter((o) => o.targetType === 'role' && o.targetId !== 'g' && roles.some((r) => r.id === o.targetId));
  bits = (bits & ~mine.reduce((a, o) => a | o.deny, 0)) | mine.reduce((a, o) => a | o.allow, 0);
  for (const o of overrides.filter((o) => o.targetType === 'member' && o.targetId === me)) bits = (bits & ~o.deny) | o.allow;
  bits &= ALL_PERMISSIONS;
  return bits & Permission.ViewChannel ? bits : 0;
}

describe('channelPermissions', () => {
  const bits = fc.integer({ min: 0, max: ALL_PERMISSIONS });
  const override = fc.record({ targetType: fc.constantFrom('role' as const, 'member' as const), targetId: fc.constantFrom('g', 'r1', 'r2', 'u', 'v'), allow: bits, deny: bits });
  it('equals the reference order, and owners/administrators always have everything', () => {
    fc.assert(
      fc.property(fc.boolean(), bits, fc.subarray([{ id: 'r1' }, { id: 'r2' }]), bits, fc.array(override, { maxLength: 6 }), (isOwner, everyone, roleIds, rb, overrides) => {
        const roles = roleIds.map((r, i) => ({ id: r.id, permissions: i === 0 ? rb : rb >> 1 }));
        const got = channelPermissions({ isOwner, everyone: { id: 'g', permissions: everyone }, roles, memberId: 'u', overrides });
        expect(got).toBe(reference(isOwner, everyone, roles, overrides, 'u'));
        if (isOwner || (everyone | roles.reduce((a, r) => a | r.permissions, 0)) & Permission.Administrator) expect(got).toBe(ALL_PERMISSIONS);
        expect(got & ~ALL_PERMISSIONS).toBe(0);
      }),
      { numRuns: 500 },
    );
  });

  it('a member override beats role overrides, which beat @everyone', () => {
    const input = {
      isOwner: false,
      everyone: { id: 'g', permissions: DEFAULT_MEMBER_PERMISSIONS },
      roles: [{ id: 'r1', permissions: 0 }],
      memberId: 'u',
      overrides: [
        { targetType: 'role', targetId: 'g', allow: 0, deny: Permission.SendMessages },
        { targetType: 'role', targetId: 'r1', allow: Permission.SendMessages, deny: 0 },
      ] as Override[],
    };
    expect(channelPermissions(input) & Permission.SendMessages).toBeTruthy();
    input.overrides.push({ targetType: 'role', targetId: 'u', allow: 0, deny: 0 }, { targetType: 'member', targetId: 'u', allow: 0, deny: Permission.SendMessages });
    expect(channelPermissions(input) & Permission.SendMessages).toBe(0);
  });
});

describe('RateLimiter', () => {
  it('never allows more than capacity + rate × elapsed in any prefix', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 20 }), fc.integer({ min: 1, max: 50 }), fc.array(fc.integer({ min: 0, max: 300 }), { maxLength: 300 }), (capacity, perSecond, gaps) => {
        let t = 0;
        const rl = new RateLimiter({ capacity, perSecond, now: () => t });
        let allowed = 0;
        for (const g of gaps) {
          t += g;
          const wait = rl.take('k');
          if (wait === 0) allowed++;
          else expect(wait).toBeGreaterThan(0);
          expect(allowed).toBeLessThanOrEqual(capacity + (perSecond * t) / 1000 + 1e-9);
        }
      }),
    );
  });

  it('keeps at most maxKeys keys and validates its options', () => {
    const rl = new RateLimiter({ capacity: 1, perSecond: 1, maxKeys: 10, now: () => 0 });
    for (let i = 0; i < 100; i++) rl.take(String(i));
    expect(rl.size).toBe(10);
    expect(() => new RateLimiter({ capacity: Number.NaN, perSecond: 1 })).toThrow(RangeError);
    expect(() => new RateLimiter({ capacity: 1, perSecond: Infinity })).toThrow(RangeError);
  });
});

describe('tokens and passwords', () => {
  it('tokens carry 256 bits, look right and hash to 64 hex characters', async () => {
    const seen = new Set<string>();
    for (let i = 0; i < 200; i++) {
      const t = newToken();
      expect(t).toMatch(TOKEN_PATTERN);
      seen.add(t);
    }
    expect(seen.size).toBe(200);
    // Every byte of the first 32 reaches the token: flipping one changes it.
    const base = newToken((b) => b.fill(0));
    for (let i = 0; i < 32; i++) expect(newToken((b) => ((b.fill(0)[i] = 1), b))).not.toBe(base);
    expect(await tokenHash('abc')).toBe('ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad');
  });

  it('Argon2id hashes verify only the right password and are salted', async () => {
    const a = await hashPassword('correct horse', FAST_ARGON2);
    const b = await hashPassword('correct horse', FAST_ARGON2);
    expect(a).toMatch(/^\$argon2id\$v=19\$m=64,t=1,p=1\$/);
    expect(a).not.toBe(b);
    expect(await verifyPassword('correct horse', a)).toBe(true);
    expect(await verifyPassword('correct horsE', a)).toBe(false);
    expect(await verifyPassword('x', 'not a hash')).toBe(false);
  });
});
