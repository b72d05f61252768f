import { describe, expect, it } from 'vitest';
import { platformProblem } from '../../src/platform.js';

describe('platformProblem', () => {
  it('accepts Linux x64 with glibc, where the bundled binaries run', () => {
    expect(platformProblem('linux', 'x64', true, true)).toBeUndefined();
  });

  it('names the runner and what to use instead on other platforms', () => {
    const mac = platformProblem('darwin', 'arm64', true, false);
    expect(mac).toContain('this runner is darwin/arm64');
    expect(mac).toContain('ubuntu-latest');
    expect(platformProblem('win32', 'x64', true, false)).toContain('win32/x64');
    expect(platformProblem('linux', 'arm64', true, true)).toContain('linux/arm64');
    expect(platformProblem('linux', 'x64', true, false)).toContain('musl libc');
  });

  it('does not second-guess the CLI installed from npm (it has the platform packages npm chose)', () => {
    expect(platformProblem('darwin', 'arm64', false, false)).toBeUndefined();
  });
});
