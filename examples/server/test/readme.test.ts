import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { runReadmeExample } from '../../../test-support/readmeExample.js';

describe('README example', () => {
  it('runs and prints what its comments say', async () => {
    // Only its import and data folder are pointed at this checkout and a temporary folder.
    const nodeEntry = fileURLToPath(new URL('../src/node.ts', import.meta.url));
    const { printed, expected } = await runReadmeExample(new URL('../README.md', import.meta.url), (code, dir) =>
      code.replace("'@chorus/example-server/node'", JSON.stringify(nodeEntry)).replace("'.data/example'", JSON.stringify(join(dir, 'data'))),
    );
    expect(expected.length).toBeGreaterThan(0);
    expect(printed).toEqual(expected);
  });
});
