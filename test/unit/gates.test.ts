import { describe, expect, it } from 'vitest';
import { gateRuleSchema, type GateRule } from '../../src/config/schema.js';
import { judge, type GateCheck } from '../../src/gates/check.js';
import {
  applyRule,
  evaluateGates,
  scopeSelects,
  type GateTarget,
} from '../../src/gates/metric-rules.js';
import { exitCodeFor, worst } from '../../src/gates/verdict.js';
import type { MetricDirection } from '../../src/metrics/values.js';
import type { SignificanceEvidence } from '../../src/gates/significance.js';
import type { MetricValues } from '../../src/metrics/values.js';

/** Rules go through the zod schema so defaults (scope overall, level fail) are the real ones. */
const rule = (raw: Record<string, unknown>): GateRule => gateRuleSchema.parse(raw);

const DIRECTIONS = new Map<string, MetricDirection>([
  ['accuracy', 'higher-is-better'],
  ['macro_f1', 'higher-is-better'],
  ['ece', 'lower-is-better'],
]);

/** A target with candidate values; with `baseline`, delta = candidate − baseline per metric. */
function target(
  key: string,
  candidate: MetricValues,
  baseline?: MetricValues,
  extra: Partial<GateTarget> = {},
): GateTarget {
  const kind: GateTarget['kind'] =
    key === 'overall'
      ? 'overall'
      : key.startsWith('class=')
        ? 'class'
        : key.includes(' & ')
          ? 'crossing'
          : 'column';
  const columns = key === 'overall' ? [] : key.split(' & ').map((p) => p.split('=')[0]!);
  const t: GateTarget = { key, kind, columns, gated: true, candidate, ...extra };
  if (baseline) {
    t.baseline = baseline;
    t.delta = Object.fromEntries(
      Object.entries(candidate).map(([k, v]) => {
        const b = baseline[k];
        return [k, v === null || b === null || b === undefined ? null : v - b];
      }),
    );
  }
  return t;
}

describe('applyRule: absolute bounds', () => {
  it('min: pass at or above, fail below, with the value and the bound in the reason', () => {
    const r = rule({ metric: 'accuracy', min: 0.75 });
    const [ok] = applyRule(r, 0, 'higher-is-better', target('overall', { accuracy: 0.8 }));
    expect(ok).toMatchObject({
      index: 0,
      kind: 'min',
      status: 'pass',
      value: 0.8,
      threshold: 0.75,
      rule: 'accuracy ≥ 0.75',
      target: 'overall',
      reason: 'accuracy is 0.8 (meets 0.75)',
    });
    // Exactly at the bound passes.
    expect(
      applyRule(r, 0, 'higher-is-better', target('overall', { accuracy: 0.75 }))[0]!.status,
    ).toBe('pass');
    const [bad] = applyRule(r, 3, 'higher-is-better', target('lighting=dim', { accuracy: 0.7 }));
    expect(bad).toMatchObject({
      index: 3,
      status: 'fail',
      target: 'lighting=dim',
      reason: 'accuracy on lighting=dim is 0.7 (below 0.75)',
    });
  });

  it('max (lower-is-better ece): above the ceiling fails', () => {
    const r = rule({ metric: 'ece', max: 0.1 });
    expect(applyRule(r, 0, 'lower-is-better', target('overall', { ece: 0.12 }))[0]).toMatchObject({
      kind: 'max',
      status: 'fail',
      rule: 'ece ≤ 0.1',
      reason: 'ece is 0.12 (above 0.1)',
    });
    expect(applyRule(r, 0, 'lower-is-better', target('overall', { ece: 0.1 }))[0]!.status).toBe(
      'pass',
    );
  });

  it('level warn turns a miss into warn, not fail', () => {
    const r = rule({ metric: 'accuracy', min: 0.9, level: 'warn' });
    expect(
      applyRule(r, 0, 'higher-is-better', target('overall', { accuracy: 0.5 }))[0]!.status,
    ).toBe('warn');
  });

  it('an undefined metric value is skipped, not passed', () => {
    const r = rule({ metric: 'accuracy', min: 0.5, max: 0.99 });
    const rs = applyRule(r, 0, 'higher-is-better', target('class=cat', { accuracy: null }));
    expect(rs.map((x) => [x.kind, x.status])).toEqual([
      ['min', 'skipped'],
      ['max', 'skipped'],
    ]);
    expect(rs[0]!.reason).toBe('accuracy is undefined on class=cat');
  });

  it('min and max on one rule give one result each, in that order', () => {
    const r = rule({ metric: 'accuracy', min: 0.5, max: 0.7 });
    const rs = applyRule(r, 0, 'higher-is-better', target('overall', { accuracy: 0.8 }));
    expect(rs.map((x) => [x.kind, x.status])).toEqual([
      ['min', 'pass'],
      ['max', 'fail'],
    ]);
  });
});

describe('applyRule: maxDrop', () => {
  it('higher-is-better: a fall larger than maxDrop fails', () => {
    // 0.9 → 0.85: delta −0.05, drop 0.05 > 0.02
    const r = rule({ metric: 'accuracy', maxDrop: 0.02 });
    const [res] = applyRule(
      r,
      0,
      'higher-is-better',
      target('overall', { accuracy: 0.85 }, { accuracy: 0.9 }),
    );
    expect(res).toMatchObject({
      kind: 'maxDrop',
      status: 'fail',
      value: 0.85,
      baseline: 0.9,
      threshold: 0.02,
      rule: 'accuracy drop ≤ 0.02',
      reason: 'accuracy worsened by 0.05 vs baseline (0.9 → 0.85; allowed drop 0.02)',
    });
  });

  it('a drop of exactly maxDrop passes despite float noise', () => {
    // 0.7 − 0.72 = −0.020000000000000018 in doubles: 1.8e-17 over the bound, inside 1e-12.
    expect(0.72 - 0.7).toBeGreaterThan(0.02);
    const r = rule({ metric: 'accuracy', maxDrop: 0.02 });
    const [res] = applyRule(
      r,
      0,
      'higher-is-better',
      target('overall', { accuracy: 0.7 }, { accuracy: 0.72 }),
    );
    expect(res!.status).toBe('pass');
    // Just beyond: 0.72 → 0.699 is a drop of 0.021.
    const [res2] = applyRule(
      r,
      0,
      'higher-is-better',
      target('overall', { accuracy: 0.699 }, { accuracy: 0.72 }),
    );
    expect(res2!.status).toBe('fail');
  });

  it('an improvement passes and says so', () => {
    const r = rule({ metric: 'accuracy', maxDrop: 0 });
    const [res] = applyRule(
      r,
      0,
      'higher-is-better',
      target('overall', { accuracy: 0.93 }, { accuracy: 0.9 }),
    );
    expect(res).toMatchObject({ status: 'pass' });
    expect(res!.reason).toContain('improved by 0.03');
    const [same] = applyRule(
      r,
      0,
      'higher-is-better',
      target('overall', { accuracy: 0.9 }, { accuracy: 0.9 }),
    );
    expect(same!.reason).toContain('unchanged');
    expect(same!.status).toBe('pass');
  });

  it('lower-is-better: a RISE in ece is the drop', () => {
    const r = rule({ metric: 'ece', maxDrop: 0.02 });
    // 0.05 → 0.08: delta +0.03 → worsened by 0.03 > 0.02
    const [worse] = applyRule(
      r,
      0,
      'lower-is-better',
      target('overall', { ece: 0.08 }, { ece: 0.05 }),
    );
    expect(worse!.status).toBe('fail');
    expect(worse!.reason).toBe('ece worsened by 0.03 vs baseline (0.05 → 0.08; allowed drop 0.02)');
    // 0.10 → 0.05: delta −0.05 → improved
    const [better] = applyRule(
      r,
      0,
      'lower-is-better',
      target('overall', { ece: 0.05 }, { ece: 0.1 }),
    );
    expect(better!.status).toBe('pass');
    expect(better!.reason).toContain('improved by 0.05');
  });

  it('without a baseline a maxDrop check is skipped (never pass), naming why', () => {
    const r = rule({ metric: 'accuracy', min: 0.5, maxDrop: 0.02 });
    const rs = applyRule(r, 0, 'higher-is-better', target('overall', { accuracy: 0.4 }));
    expect(rs.map((x) => [x.kind, x.status])).toEqual([
      ['min', 'fail'],
      ['maxDrop', 'skipped'],
    ]);
    expect(rs[1]!.reason).toBe('no baseline to compare with');
  });

  it('with a baseline but no paired value for the metric: skipped, naming the target', () => {
    const r = rule({ metric: 'accuracy', maxDrop: 0.02 });
    const t = target('site=b', { accuracy: 0.5 }, { accuracy: null });
    const [res] = applyRule(r, 0, 'higher-is-better', t);
    expect(res).toMatchObject({ status: 'skipped', reason: 'no paired examples on site=b' });
  });

  it('significant: true excuses a drop that is not significant, and fails one that is', () => {
    const r = rule({ metric: 'accuracy', maxDrop: 0.02, significant: true });
    const stats = (significant: boolean, b: number, c: number): SignificanceEvidence => ({
      intervals: {},
      mcnemar: { b, c, p: 0.01 },
      pAdjusted: significant ? 0.01 : 0.3,
      significant,
    });
    const base = { accuracy: 0.9 };
    const paired = { pairedMetric: 'accuracy' };
    const noise = applyRule(
      r,
      0,
      'higher-is-better',
      target('overall', { accuracy: 0.8 }, base, { stats: stats(false, 5, 1) }),
      paired,
    )[0]!;
    expect(noise.status).toBe('pass');
    expect(noise.significant).toBe(false);
    expect(noise.rule).toBe('accuracy drop ≤ 0.02 (if significant)');
    expect(noise.reason).toContain('not significant (adjusted p=0.3)');
    expect(noise.reason).toContain('within noise, not failed');

    const real = applyRule(
      r,
      0,
      'higher-is-better',
      target('overall', { accuracy: 0.8 }, base, { stats: stats(true, 5, 1) }),
      paired,
    )[0]!;
    expect(real.status).toBe('fail');
    expect(real.significant).toBe(true);

    // Without significant: true the same non-significant drop fails.
    const plain = applyRule(
      rule({ metric: 'accuracy', maxDrop: 0.02 }),
      0,
      'higher-is-better',
      target('overall', { accuracy: 0.8 }, base, { stats: stats(false, 5, 1) }),
      paired,
    )[0]!;
    expect(plain.status).toBe('fail');

    // The McNemar test decides only the paired metric: for another metric with the same
    // evidence, the (absent) interval decides, so the drop is not significant.
    const other = applyRule(
      rule({ metric: 'accuracy', maxDrop: 0.02, significant: true }),
      0,
      'higher-is-better',
      target('overall', { accuracy: 0.8 }, base, { stats: stats(true, 5, 1) }),
      { pairedMetric: 'exact_match' },
    )[0]!;
    expect(other.significant).toBe(false);
    expect(other.status).toBe('pass');
  });

  it('significant: true on another metric uses the bootstrap interval of the delta', () => {
    const r = rule({ metric: 'macro_f1', maxDrop: 0.01, significant: true });
    const withInterval = (lower: number, upper: number): SignificanceEvidence => ({
      intervals: { macro_f1: { lower, upper } },
      mcnemar: { b: 0, c: 0, p: 1 },
    });
    const t = (iv: SignificanceEvidence) =>
      target('overall', { macro_f1: 0.7 }, { macro_f1: 0.8 }, { stats: iv });
    // Interval wholly below 0: significant worsening → fail.
    expect(applyRule(r, 0, 'higher-is-better', t(withInterval(-0.15, -0.05)))[0]!.status).toBe(
      'fail',
    );
    // Interval straddles 0: not significant → excused.
    expect(applyRule(r, 0, 'higher-is-better', t(withInterval(-0.2, 0.01)))[0]!.status).toBe(
      'pass',
    );
  });
});

describe('judge: the one decision of every rule', () => {
  const check = (over: Partial<GateCheck>): GateCheck => ({
    index: -1,
    configKey: 'x.gates.y',
    kind: 'suite',
    rule: 'y',
    metric: 'y',
    scope: 'x',
    target: 'overall',
    value: 0.5,
    bound: 'atMost',
    thresholds: { fail: 0.5 },
    reason: (d) => `${d.status} ${d.threshold} ${String(d.met)}`,
    ...over,
  });

  it('atMost meets at the threshold and misses above it; atLeast the other way round', () => {
    expect(judge(check({})).status).toBe('pass');
    expect(judge(check({ value: 0.51 })).status).toBe('fail');
    expect(judge(check({ bound: 'atLeast' })).status).toBe('pass');
    expect(judge(check({ bound: 'atLeast', value: 0.49 })).status).toBe('fail');
  });

  it('the tolerance is slack in the measured number’s favour', () => {
    const sum = 0.1 + 0.2; // 0.30000000000000004
    expect(judge(check({ value: sum, thresholds: { fail: 0.3 } })).status).toBe('fail');
    expect(judge(check({ value: sum, thresholds: { fail: 0.3 }, tolerance: 1e-12 })).status).toBe(
      'pass',
    );
  });

  it('fail is checked before warn; the result names the threshold and level decided against', () => {
    const both = { thresholds: { warn: 0.1, fail: 0.2 } };
    expect(judge(check({ ...both, value: 0.05 }))).toMatchObject({
      status: 'pass',
      level: 'fail',
      threshold: 0.2,
      reason: 'pass 0.2 true',
    });
    expect(judge(check({ ...both, value: 0.15 }))).toMatchObject({
      status: 'warn',
      level: 'warn',
      threshold: 0.1,
      reason: 'warn 0.1 false',
    });
    expect(judge(check({ ...both, value: 0.25 }))).toMatchObject({ status: 'fail', level: 'fail' });
    expect(judge(check({ thresholds: { warn: 0.1 }, value: 0.05 }))).toMatchObject({
      status: 'pass',
      level: 'warn',
    });
  });

  it('nothing measured is skipped, never passed', () => {
    expect(judge(check({ value: null }))).toMatchObject({
      status: 'skipped',
      reason: 'skipped 0.5 null',
    });
    expect(judge(check({ value: 0.1, measured: null })).status).toBe('skipped');
  });

  it('a significance requirement excuses a miss unless the worsening is significant', () => {
    const miss = { value: 0.9 };
    expect(
      judge(check({ ...miss, significance: { required: true, significant: false } })),
    ).toMatchObject({ status: 'pass', significant: false });
    expect(
      judge(check({ ...miss, significance: { required: true, significant: undefined } })).status,
    ).toBe('pass');
    expect(
      judge(check({ ...miss, significance: { required: true, significant: true } })).status,
    ).toBe('fail');
    expect(
      judge(check({ ...miss, significance: { required: false, significant: false } })).status,
    ).toBe('fail');
  });

  it('a check without thresholds is a bug, not a pass', () => {
    expect(() => judge(check({ thresholds: {} }))).toThrow(/needs a fail or a warn threshold/);
  });
});

describe('scopeSelects', () => {
  const overall = target('overall', {});
  const dim = target('lighting=dim', {});
  const cross = target('lighting=dim & source=phone', {});
  const cls = target('class=Coat', {});
  const small = target('lighting=dark', {}, undefined, { gated: false });
  const disc: GateTarget = {
    ...target('brightness=q1', {}),
    kind: 'discovered',
    columns: ['brightness'],
  };

  it('overall selects only the overall target', () => {
    expect([overall, dim, cross, cls].map((t) => scopeSelects('overall', t))).toEqual([
      true,
      false,
      false,
      false,
    ]);
  });

  it('slices selects every gated slice of any kind, not overall', () => {
    expect([overall, dim, cross, cls, disc].map((t) => scopeSelects('slices', t))).toEqual([
      false,
      true,
      true,
      true,
      true,
    ]);
  });

  it('classes selects class slices only', () => {
    expect([dim, cross, cls].map((t) => scopeSelects('classes', t))).toEqual([false, false, true]);
  });

  it('column:x selects one-column slices of column x (not crossings that contain x)', () => {
    expect(scopeSelects('column:lighting', dim)).toBe(true);
    expect(scopeSelects('column:lighting', cross)).toBe(false);
    expect(scopeSelects('column:source', dim)).toBe(false);
    expect(scopeSelects('column:brightness', disc)).toBe(false);
  });

  it('slice:a=b & c=d matches in any order and spacing', () => {
    expect(scopeSelects('slice:lighting=dim', dim)).toBe(true);
    expect(scopeSelects('slice:lighting=dim & source=phone', cross)).toBe(true);
    expect(scopeSelects('slice:source=phone & lighting=dim', cross)).toBe(true);
    expect(scopeSelects('slice:source=phone&lighting=dim', cross)).toBe(true);
    expect(scopeSelects('slice:lighting=dim', cross)).toBe(false);
    expect(scopeSelects('slice:class=Coat', cls)).toBe(true);
  });

  it('an ungated (small) slice is never selected, whatever the scope', () => {
    for (const scope of ['slices', 'column:lighting', 'slice:lighting=dark', 'classes'])
      expect(scopeSelects(scope, small)).toBe(false);
  });
});

describe('worst', () => {
  it('fail > warn > pass; skipped counts as pass', () => {
    expect(worst([])).toBe('pass');
    expect(worst(['pass', 'skipped'])).toBe('pass');
    expect(worst(['pass', 'warn', 'skipped'])).toBe('warn');
    expect(worst(['warn', 'fail', 'pass'])).toBe('fail');
    expect(worst(['skipped'])).toBe('pass');
  });
});

describe('evaluateGates', () => {
  it('applies each rule to the targets its scope selects, in rule then target order', () => {
    const targets = [
      target('overall', { accuracy: 0.8 }),
      target('lighting=dim', { accuracy: 0.5 }),
      target('lighting=day', { accuracy: 0.9 }),
    ];
    const out = evaluateGates(
      [
        rule({ metric: 'accuracy', min: 0.7 }),
        rule({ metric: 'accuracy', scope: 'slices', min: 0.6 }),
      ],
      DIRECTIONS,
      targets,
    );
    expect(out.results.map((r) => [r.index, r.target, r.status])).toEqual([
      [0, 'overall', 'pass'],
      [1, 'lighting=dim', 'fail'],
      [1, 'lighting=day', 'pass'],
    ]);
    expect([...out.status]).toEqual([
      ['overall', 'pass'],
      ['lighting=dim', 'fail'],
      ['lighting=day', 'pass'],
    ]);
  });

  it('a target takes the worst status over all rules selecting it', () => {
    const out = evaluateGates(
      [
        rule({ metric: 'accuracy', scope: 'slices', min: 0.6, level: 'warn' }),
        rule({ metric: 'ece', scope: 'column:lighting', max: 0.1 }),
      ],
      DIRECTIONS,
      [
        target('lighting=dim', { accuracy: 0.5, ece: 0.2 }),
        target('source=phone', { accuracy: 0.5, ece: 0.2 }),
      ],
    );
    // lighting=dim: warn (accuracy) and fail (ece) → fail; source=phone only the warn rule.
    expect(out.status.get('lighting=dim')).toBe('fail');
    expect(out.status.get('source=phone')).toBe('warn');
  });

  it('ungated small slices are never gated and get no status', () => {
    const out = evaluateGates(
      [rule({ metric: 'accuracy', scope: 'slices', min: 0.9 })],
      DIRECTIONS,
      [
        target('lighting=dim', { accuracy: 0.1 }, undefined, { gated: false }),
        target('lighting=day', { accuracy: 0.95 }),
      ],
    );
    expect(out.results.map((r) => r.target)).toEqual(['lighting=day']);
    expect(out.status.has('lighting=dim')).toBe(false);
  });

  it('a scope that selects nothing is not evaluated: a warning, never a silent pass', () => {
    const out = evaluateGates(
      [
        rule({ metric: 'accuracy', scope: 'column:lihgting', min: 0.9, maxDrop: 0.01 }),
        rule({ metric: 'accuracy', scope: 'slice:lighting=dark', min: 0.9 }),
      ],
      DIRECTIONS,
      [
        target('overall', { accuracy: 0.5 }),
        target('lighting=dim', { accuracy: 0.1 }),
        // Exists but is below minSupport.
        target('lighting=dark', { accuracy: 0.1 }, undefined, { gated: false, n: 12 }),
      ],
      { minSupport: 30 },
    );
    expect(out.results.map((r) => [r.index, r.kind, r.target, r.status, r.level])).toEqual([
      [0, 'min', 'column:lihgting', 'warn', 'warn'],
      [0, 'maxDrop', 'column:lihgting', 'warn', 'warn'],
      [1, 'min', 'slice:lighting=dark', 'warn', 'warn'],
    ]);
    expect(out.results[0]!.reason).toBe(
      'not evaluated: no evaluated example is in scope "column:lihgting"',
    );
    expect(out.results[2]!.reason).toBe(
      'not evaluated: slice lighting=dark has 12 examples, fewer than slices.minSupport (30); lower slices.minSupport or add examples',
    );
    expect(out.results[0]!.rule).toBe('accuracy ≥ 0.9');
    expect(out.status.size).toBe(0);
    // The verdict says it: a rule that was not evaluated is not counted as passed.
    expect(worst(out.results.map((r) => r.status))).toBe('warn');
    // The gate model knows which rules matched nothing.
    expect(out.unmatched).toEqual([0, 1]);
  });

  it('a slice with the examples of the whole set or of another slice is not gated again', () => {
    // has_alpha=true on every image: the overall comparison again, never a newly failing slice.
    const rules = [
      rule({ metric: 'accuracy', scope: 'slices', maxDrop: 0.05 }),
      rule({ metric: 'accuracy', scope: 'column:has_alpha', maxDrop: 0.05 }),
    ];
    const out = evaluateGates(rules, DIRECTIONS, [
      target('overall', { accuracy: 0.8 }, { accuracy: 0.9 }),
      target('lighting=dim', { accuracy: 0.8 }, { accuracy: 0.9 }),
      target('has_alpha=true', { accuracy: 0.8 }, { accuracy: 0.9 }, { sameAs: 'overall' }),
      target('night=yes', { accuracy: 0.8 }, { accuracy: 0.9 }, { sameAs: 'lighting=dim' }),
    ]);
    expect(out.results.filter((r) => r.index === 0).map((r) => r.target)).toEqual(['lighting=dim']);
    expect(out.newlyFailing).toEqual(new Set(['lighting=dim']));
    const column = out.results.find((r) => r.index === 1)!;
    expect(column.status).toBe('warn');
    expect(column.reason).toBe(
      'not evaluated: has_alpha=true has exactly the examples of overall (not a separate slice; scope slice:has_alpha=true to gate it anyway)',
    );
    // A rule naming it still applies.
    const named = evaluateGates(
      [rule({ metric: 'accuracy', scope: 'slice:has_alpha=true', min: 0.9 })],
      DIRECTIONS,
      [target('has_alpha=true', { accuracy: 0.8 }, { accuracy: 0.9 }, { sameAs: 'overall' })],
    );
    expect(named.results.map((r) => r.status)).toEqual(['fail']);
  });

  it('newly failing: the baseline met the absolute bounds and the candidate misses', () => {
    const rules = [rule({ metric: 'accuracy', scope: 'slices', min: 0.6, maxDrop: 0.05 })];
    const out = evaluateGates(rules, DIRECTIONS, [
      target('overall', { accuracy: 0.5 }, { accuracy: 0.9 }),
      // baseline 0.7 ≥ 0.6, candidate 0.5 < 0.6 → newly failing
      target('a=regressed', { accuracy: 0.5 }, { accuracy: 0.7 }),
      // baseline 0.55 < 0.6 already: failing, but not newly
      target('a=always-bad', { accuracy: 0.5 }, { accuracy: 0.55 }),
      // candidate passes min but drops 0.1 > 0.05; baseline's own drop is 0 → newly failing
      target('a=dropped', { accuracy: 0.8 }, { accuracy: 0.9 }),
      // fine on both
      target('a=fine', { accuracy: 0.9 }, { accuracy: 0.9 }),
      // no baseline at all: cannot be newly failing
      target('a=new', { accuracy: 0.1 }),
    ]);
    expect([...out.newlyFailing].sort()).toEqual(['a=dropped', 'a=regressed']);
    expect(out.status.get('a=always-bad')).toBe('fail');
    expect(out.status.get('a=new')).toBe('fail');
  });

  it('newly failing with a lower-is-better max: the baseline under the ceiling, candidate over', () => {
    const out = evaluateGates([rule({ metric: 'ece', scope: 'slices', max: 0.1 })], DIRECTIONS, [
      target('a=x', { ece: 0.15 }, { ece: 0.05 }),
      target('a=y', { ece: 0.15 }, { ece: 0.12 }),
    ]);
    expect([...out.newlyFailing]).toEqual(['a=x']);
  });

  it('the overall target is never listed as a newly failing slice', () => {
    const out = evaluateGates([rule({ metric: 'accuracy', min: 0.6 })], DIRECTIONS, [
      target('overall', { accuracy: 0.5 }, { accuracy: 0.9 }),
    ]);
    expect(out.status.get('overall')).toBe('fail');
    expect(out.newlyFailing.size).toBe(0);
  });

  it('unknown metrics default to higher-is-better', () => {
    const out = evaluateGates([rule({ metric: 'recall@cat', maxDrop: 0.01 })], DIRECTIONS, [
      target('overall', { 'recall@cat': 0.5 }, { 'recall@cat': 0.6 }),
    ]);
    expect(out.results[0]!.status).toBe('fail');
  });
});

describe('exitCodeFor', () => {
  it('fail-on error fails on fail only; warning on warn too; never never', () => {
    expect([
      exitCodeFor('pass', 'error'),
      exitCodeFor('warn', 'error'),
      exitCodeFor('fail', 'error'),
    ]).toEqual([0, 0, 1]);
    expect([
      exitCodeFor('pass', 'warning'),
      exitCodeFor('warn', 'warning'),
      exitCodeFor('fail', 'warning'),
    ]).toEqual([0, 1, 1]);
    expect([exitCodeFor('fail', 'never'), exitCodeFor('warn', 'never')]).toEqual([0, 0]);
  });
});
