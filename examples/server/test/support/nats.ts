// NATS for the tests: the server to use and whether it is there.
import { connect } from 'nats';

/** `CHORUS_TEST_NATS_URL`, else the local server. */
export const NATS_URL: string = process.env['CHORUS_TEST_NATS_URL'] || 'nats://127.0.0.1:4222';

/**
 * Checks that NATS answers at {@link NATS_URL}. When it does not, the NATS suites are skipped
 * with a warning naming the URL, except in CI (`CI=true`), which starts the server: there an
 * unreachable server fails the run.
 *
 * @returns the URL, or undefined when the suites should be skipped
 * @throws Error in CI when the server is unreachable
 */
export async function reachableNats(): Promise<string | undefined> {
  try {
    const nc = await connect({ servers: NATS_URL, timeout: 3000, reconnect: false });
    await nc.close();
    return NATS_URL;
  } catch (e) {
    const why = e instanceof Error ? e.message : 'unknown error';
    if (process.env['CI'] === 'true') throw new Error(`NATS at ${NATS_URL} is unreachable (${why}); CI must start it`);
    console.warn(`NATS suites skipped: no server at ${NATS_URL} (${why}). Set CHORUS_TEST_NATS_URL to use another.`);
    return undefined;
  }
}
