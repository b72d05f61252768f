import { describe, expect, it } from 'vitest';
import { renderJUnit } from '../../src/report/junit.js';
import type { GateResult } from '../../src/gates/result.js';
import type { Report } from '../../src/report/schema.js';

const gate = (over: Partial<GateResult>): GateResult => ({
  index: 0,
  rule: 'accuracy ≥ 0.9',
  metric: 'accuracy',
  scope: 'overall',
  target: 'overall',
  kind: 'min',
  value: 0.8,
  threshold: 0.9,
  level: 'fail',
  status: 'fail',
  reason: 'accuracy is 0.8 (below 0.9)',
  ...over,
});

const report = (gates: GateResult[]) => ({ name: 'demo', gates }) as unknown as Report;

describe('renderJUnit', () => {
  it('has one test case per gate check, grouped by suite, with failures and skips counted', () => {
    const xml = renderJUnit(
      report([
        gate({}),
        gate({ status: 'pass', target: 'lighting=dim', reason: 'ok' }),
        gate({ status: 'skipped', kind: 'maxDrop', reason: 'no baseline to compare with' }),
        gate({
          configKey: 'robustness.gates.maxRelativeMCE',
          kind: 'suite',
          status: 'warn',
          level: 'warn',
          reason: 'relative mCE 1.2',
        }),
      ]),
    );
    expect(xml).toContain('<testsuites name="VisionGate demo" tests="4" failures="1" skipped="1">');
    expect(xml).toContain('<testsuite name="regression" tests="3" failures="1" skipped="1">');
    expect(xml).toContain('<testsuite name="robustness" tests="1" failures="0" skipped="0">');
    expect(xml).toContain('<failure message="accuracy is 0.8 (below 0.9)"/>');
    expect(xml).toContain('<skipped message="no baseline to compare with"/>');
    expect(xml).toContain('<system-out>warning: relative mCE 1.2</system-out>');
    expect(xml.match(/<testcase /g)).toHaveLength(4);
  });

  it('escapes hostile dataset strings and drops characters XML cannot hold', () => {
    const xml = renderJUnit(report([gate({ target: 'class=<x>"&\u0001', reason: 'a\u0000b' })]));
    expect(xml).toContain('[class=&lt;x&gt;&quot;&amp;]');
    expect(xml).toContain('message="ab"');
    expect(xml).not.toMatch(/[\u0000-\u0008]/);
  });
});
