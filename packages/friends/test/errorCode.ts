import { FriendsError } from '../src/index.js';

/** The FriendsError code `fn` throws, or undefined when it returns; other errors propagate. */
export function errorCode(fn: () => unknown): string | undefined {
  try {
    fn();
  } catch (e) {
    if (e instanceof FriendsError) return e.code;
    throw e;
  }
  return undefined;
}
