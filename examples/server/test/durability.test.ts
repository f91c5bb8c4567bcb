// An acknowledged message is on disk: kill the server with SIGKILL while clients send, restart
// it, and check that every acknowledged message is there and readable. 20 cycles here, 100 in
// `pnpm bench durability`.
import { beforeAll, describe, expect, it } from 'vitest';
import { bundleServer, killDrill } from './support/killDrill.js';

const CYCLES = 20;
beforeAll(() => bundleServer());

describe('durability', () => {
  it(`keeps every acknowledged message across ${CYCLES} SIGKILLs during sends`, async () => {
    const r = await killDrill(CYCLES);
    expect(r.missing, 'acknowledged but missing after a restart').toEqual([]);
    expect(r.corrupt, 'stored content nobody sent').toEqual([]);
    expect(r.acknowledged).toBeGreaterThan(CYCLES);
    expect(r.killedInFlight).toBeGreaterThan(0);
    expect(r.restartMs).toHaveLength(CYCLES);
  });
});
