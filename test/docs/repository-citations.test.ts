import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';

describe('the repository', () => {
  it('cites only documents it holds: the product contract is docs/design.md, not a DESIGN.md outside it', () => {
    const files = execFileSync('git', ['ls-files'], { encoding: 'utf8' })
      .split('\n')
      .filter((f) => /\.(ts|md|avsc|proto|js|yml|json)$/.test(f) && existsSync(f) && f !== 'test/docs/repository-citations.test.ts');
    const citing = files.filter((file) => /(?<![/\w])DESIGN\.md/.test(readFileSync(file, 'utf8')));
    expect(citing).toEqual([]);
  });
});
