import { describe, expect, it } from 'vitest';
import { runReadmeExample } from '../../../test-support/readmeExample.js';

describe('README example', () => {
  it('runs and prints what its comments say', async () => {
    const src = new URL('../src/', import.meta.url).pathname;
    const { printed, expected } = await runReadmeExample(new URL('../README.md', import.meta.url), (code) =>
      code.replace("'@chorus/jitter/sim'", `'${src}sim.ts'`).replace("'@chorus/jitter'", `'${src}index.ts'`),
    );
    expect(expected.length).toBeGreaterThan(0);
    expect(printed).toEqual(expected);
  });
});
