import { describe, expect, it } from 'vitest';
import { HeartbeatMonitor, HeartbeatScheduler, WireError } from '../src/index.js';

describe('HeartbeatMonitor', () => {
  it('calls a silent peer a zombie after tolerance x interval, and not before', () => {
    let now = 1000;
    const hb = new HeartbeatMonitor({ intervalMs: 100, tolerance: 1.5, now: () => now });
    now += 150;
    expect(hb.isZombie()).toBe(false);
    now += 1;
    expect(hb.isZombie()).toBe(true);
    hb.beat();
    expect(hb.isZombie()).toBe(false);
    expect(hb.msUntilZombie()).toBe(150);
  });

  it('validates its options', () => {
    expect(() => new HeartbeatMonitor({ intervalMs: 0 })).toThrow(WireError);
    expect(() => new HeartbeatMonitor({ intervalMs: 10, tolerance: 0.5 })).toThrow(WireError);
    expect(() => new HeartbeatMonitor({ intervalMs: Number.POSITIVE_INFINITY })).toThrow(WireError);
  });
});

describe('HeartbeatScheduler', () => {
  it('jitters the first beat, then beats every interval, and detects a missing ack', () => {
    let now = 0;
    const hb = new HeartbeatScheduler({ intervalMs: 1000, now: () => now, random: () => 0.25 });
    expect(hb.msUntilDue()).toBe(250);
    now = 250;
    expect(hb.due()).toBe(true);
    hb.sent();
    expect(hb.msUntilDue()).toBe(1000);
    now = 900;
    hb.acked();
    now = 1250;
    expect(hb.isZombie()).toBe(false);
    hb.sent();
    now = 2250;
    expect(hb.isZombie()).toBe(true); // no ack for the beat at 1250
  });
});
