import { describe, expect, it } from 'vitest';
import { runReadmeExample } from '../../../test-support/readmeExample.js';

describe('README example', () => {
  it('runs and prints what its comments say', async () => {
    // `@chorus/wire` resolves to the sources through the workspace's vitest alias.
    const { printed, expected } = await runReadmeExample(new URL('../README.md', import.meta.url), (code) => code);
    expect(expected.length).toBeGreaterThan(0);
    expect(printed).toEqual(expected);
  });
});
