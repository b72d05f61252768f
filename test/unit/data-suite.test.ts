import { describe, expect, it } from 'vitest';
import { dataSuiteConfigSchema } from '../../src/config/data.js';
import { judge } from '../../src/gates/check.js';
import { worst } from '../../src/gates/verdict.js';
import { dataGateCheck } from '../../src/suites/data/gates.js';
import {
  DATA_CHECKS,
  renderDataSection,
  runDataSuite,
  type DataSuiteResult,
} from '../../src/suites/data/index.js';
import { escapeHtml, escapeMarkdown } from '../../src/text/escape.js';
import { formatNumber, formatPercent } from '../../src/suites/data/util.js';
import type { Example } from '../../src/types.js';

describe('dataSuiteConfigSchema', () => {
  it('fills every default from an empty object', () => {
    const c = dataSuiteConfigSchema.parse({});
    expect(c).toMatchObject({
      enabled: true,
      concurrency: 4,
      maxListed: 50,
      labelIssues: {
        enabled: true,
        method: 'prune_by_noise_rate',
        rankBy: 'normalized_margin',
        requireBaselineAgreement: true,
      },
      duplicates: {
        enabled: true,
        hash: 'phash',
        hammingThreshold: 8,
        pixelCheck: true,
        maxPixelDifference: 0.2,
        contentWindow: true,
      },
      leakage: {
        enabled: true,
        near: true,
        hash: 'phash',
        hammingThreshold: 8,
        pixelCheck: true,
        maxPixelDifference: 0.2,
      },
      representativity: { enabled: true, expected: { metadata: {} }, minSupport: 30, alpha: 0.01 },
      imageProperties: { enabled: true, failOn: 'error', maxSide: 512, outlierZ: 3.5, alpha: 0.01 },
      bias: { enabled: true, attributes: [], minGroupSize: 30, minClassSupport: 10 },
      gates: {
        maxLabelIssueRate: { warn: 0.02 },
        maxDuplicateGroups: { warn: 0 },
        maxConflictingDuplicateGroups: { warn: 0 },
        maxLeakageRate: { warn: 0, fail: 0.01 },
        maxUnreadableImages: { fail: 0 },
        maxOutlierRate: { warn: 0.05 },
        maxPropertyDrift: { warn: 0.1 },
        maxRepresentativityTvd: { warn: 0.1 },
        maxBiasGap: { warn: 0.05 },
        maxEqualizedOddsDifference: { warn: 0.1 },
      },
    });
    expect(c.trainManifest).toBeUndefined();
  });
  it('keeps nested defaults when only some keys are given, and rejects unknown keys', () => {
    const c = dataSuiteConfigSchema.parse({
      duplicates: { hammingThreshold: 10 },
      gates: { maxBiasGap: 0.1 },
    });
    expect(c.duplicates).toEqual({
      enabled: true,
      hash: 'phash',
      hammingThreshold: 10,
      pixelCheck: true,
      maxPixelDifference: 0.2,
      contentWindow: true,
    });
    expect(c.gates.maxBiasGap).toBe(0.1);
    expect(c.gates.maxLabelIssueRate).toEqual({ warn: 0.02 });
    const bad = dataSuiteConfigSchema.safeParse({ duplicates: { treshold: 3 } });
    expect(bad.success).toBe(false);
    expect(JSON.stringify(bad.error!.issues)).toMatch(/treshold/);
    expect(
      dataSuiteConfigSchema.safeParse({ representativity: { expected: { label: { a: -1 } } } })
        .success,
    ).toBe(false);
  });
});

describe('gates', () => {
  const gates = dataSuiteConfigSchema.parse({
    gates: { maxBiasGap: 0.1, maxOutlierRate: {} },
  }).gates;
  const value = (gate: 'maxLabelIssueRate' | 'maxBiasGap' | 'maxOutlierRate', v: number) => ({
    gate,
    metric: 'm',
    value: v,
    format: formatPercent,
  });
  const decide = (check: Parameters<typeof dataGateCheck>[0], v: ReturnType<typeof value>) => {
    const rule = dataGateCheck(check, v, gates);
    return rule && judge(rule);
  };
  it('warns and fails beyond the thresholds', () => {
    expect(decide('labelIssues', value('maxLabelIssueRate', 0.01))).toMatchObject({
      status: 'pass',
      level: 'warn',
      threshold: 0.02,
      rule: 'm ≤ 0.02',
      configKey: 'data.gates.maxLabelIssueRate',
    });
    expect(decide('labelIssues', value('maxLabelIssueRate', 0.03))).toMatchObject({
      status: 'warn',
      threshold: 0.02,
      reason: 'm 3.0% > 2.0% (warn threshold of gates.maxLabelIssueRate)',
    });
    // A bare number is a fail threshold.
    expect(decide('bias', value('maxBiasGap', 0.2))).toMatchObject({
      status: 'fail',
      level: 'fail',
      threshold: 0.1,
    });
    expect(decide('bias', value('maxBiasGap', 0.1))).toMatchObject({
      status: 'pass',
      level: 'fail',
    });
    // No threshold: report only.
    expect(decide('imageProperties', value('maxOutlierRate', 0.9))).toBeUndefined();
    expect(worst(['pass', 'warn'])).toBe('warn');
    expect(worst(['warn', 'fail', 'pass'])).toBe('fail');
    expect(worst([])).toBe('pass');
  });

  it('with warn and fail both set, the threshold missed decides the status', () => {
    const both = dataSuiteConfigSchema.parse({
      gates: { maxLeakageRate: { warn: 0, fail: 0.01 } },
    }).gates;
    const at = (v: number) =>
      judge(dataGateCheck('leakage', { ...value('maxBiasGap', v), gate: 'maxLeakageRate' }, both)!);
    expect(at(0)).toMatchObject({ status: 'pass', level: 'fail', threshold: 0.01 });
    expect(at(0.005)).toMatchObject({ status: 'warn', level: 'warn', threshold: 0 });
    expect(at(0.02)).toMatchObject({ status: 'fail', level: 'fail', threshold: 0.01 });
    expect(at(0).rule).toBe('m ≤ 0.01 (warn beyond 0)');
  });
  it('formats numbers', () => {
    expect(formatPercent(0.0005)).toBe('0.050%');
    expect(formatNumber(0.123456)).toBe('0.123');
    expect(formatNumber(12)).toBe('12');
  });
});

describe('escaping', () => {
  it('uses the shared escaper: no HTML, table breaks, mentions or line breaks', () => {
    const nasty = '<img src=x onerror=alert(1)> | **b** @octocat #1 [x](http://e) `c`\nnext';
    const md = escapeMarkdown(nasty);
    expect(md).not.toMatch(/<img|\n|(^|[^\\])[|*`[\]]/);
    expect(md).toContain('&lt;img src=x onerror=alert\\(1\\)&gt;');
    expect(md).toContain('&#64;&#8203;octocat');
    expect(md).toContain('&#35;&#8203;1');
    expect(escapeHtml('<b>@x</b>')).toBe('&lt;b&gt;&#64;&#8203;x&lt;/b&gt;');
  });
});

describe('runDataSuite without images', () => {
  const examples: Example[] = [
    {
      id: 'a',
      path: 'a.png',
      absPath: '/nonexistent/a.png',
      label: 'cat',
      labelIndex: 0,
      metadata: {},
    },
  ];
  it('skips every check when the suite is disabled', () => {
    const { result: r } = runDataSuite(
      { examples, classes: ['cat', 'dog'], candidate: [] },
      { enabled: false },
    );
    expect(Object.values(r.checks).every((c) => c.status === 'skipped')).toBe(true);
    expect(r).toMatchObject({ level: 'pass', gateResults: [], exampleCount: 1 });
    // Every check of the task: the box check is detection's and absent here.
    expect(Object.keys(r.checks)).toEqual(
      DATA_CHECKS.map((c) => c.id).filter((id) => id !== 'boxes'),
    );
  });
  it('says why a check was skipped', () => {
    const { result: r } = runDataSuite(
      { examples, classes: ['cat', 'dog'], candidate: [] },
      { duplicates: { enabled: false }, imageProperties: { enabled: false } },
    );
    expect(r.checks.labelIssues).toEqual({
      status: 'skipped',
      reason: expect.stringMatching(/probs/),
    });
    expect(r.checks.leakage).toEqual({
      status: 'skipped',
      reason: expect.stringMatching(/trainManifest/),
    });
    expect(r.checks.representativity).toEqual({
      status: 'skipped',
      reason: expect.stringMatching(/expected/),
    });
    expect(r.checks.bias).toEqual({
      status: 'skipped',
      reason: expect.stringMatching(/attributes/),
    });
    expect(r.checks.duplicates).toEqual({ status: 'skipped', reason: 'disabled in config' });
  });
});

describe('renderDataSection', () => {
  const evil = '<script>x</script>|@admin';
  const result: DataSuiteResult = {
    level: 'warn',
    exampleCount: 10,
    checks: {
      labelIssues: {
        status: 'ran',
        method: 'prune_by_noise_rate',
        rankBy: 'normalized_margin',
        models: 'candidate',
        evaluatedCount: 10,
        skippedCount: 0,
        issueCount: 1,
        issueRate: 0.1,
        candidateIssueCount: 1,
        estimatedNoiseRate: 0.1,
        thresholds: [],
        topConfusions: [{ given: evil, suggested: 'dog', count: 1 }],
        issues: [
          {
            id: evil,
            givenLabel: evil,
            suggestedLabel: 'dog',
            selfConfidence: 0.1,
            normalizedMargin: -0.8,
          },
        ],
        truncated: false,
      },
      duplicates: {
        status: 'ran',
        hash: 'phash',
        threshold: 6,
        hashedCount: 10,
        exactGroupCount: 0,
        groupCount: 1,
        imagesInGroups: 2,
        redundantImages: 1,
        conflictingGroupCount: 1,
        groups: [
          {
            ids: [evil, 'b'],
            labels: [evil, 'dog'],
            conflictingLabels: true,
            exact: false,
            maxLinkDistance: 4,
          },
        ],
        truncated: false,
      },
      leakage: { status: 'skipped', reason: 'no training manifest (set data.trainManifest)' },
      representativity: { status: 'skipped', reason: 'nothing to compare with' },
      imageProperties: { status: 'skipped', reason: 'disabled in config' },
      bias: { status: 'skipped', reason: 'disabled in config' },
    },
    gateResults: [
      {
        check: 'labelIssues',
        gate: 'maxLabelIssueRate',
        metric: 'label issue rate',
        value: 0.1,
        threshold: 0.02,
        level: 'warn',
        reason: 'label issue rate 10% > 2%',
      },
    ],
  };
  const md = renderDataSection(result);
  it('renders a summary table and details, escaping every dataset string', () => {
    expect(md).toMatch(/^### Data\n/);
    expect(md).toContain(
      '| Label issues | 1 suspected label errors (10.0% of 10); estimated noise 10.0% | ⚠️ warn |',
    );
    expect(md).toContain(
      '<details><summary>Label issues: 1 suspects, most suspicious first</summary>',
    );
    expect(md).not.toContain('<script>');
    expect(md).not.toContain('@admin');
    expect(md).toContain('&lt;script&gt;x&lt;/script&gt;&#124;&#64;&#8203;admin');
    // Every table row keeps its column count despite the pipe in the id.
    for (const line of md
      .split('\n')
      .filter((l) => l.startsWith('| id |') || l.includes('&lt;script'))) {
      if (!line.startsWith('|')) continue;
      const cells = line.split(/(?<!\\)\|/).length - 2;
      expect([3, 4, 5]).toContain(cells);
    }
  });
  it('is stable', () => {
    expect(md).toMatchInlineSnapshot(`
      "### Data

      10 evaluation examples. Data verdict: ⚠️ warn.

      | check | finding | gate |
      | - | - | - |
      | Label issues | 1 suspected label errors (10.0% of 10); estimated noise 10.0% | ⚠️ warn |
      | Duplicates | 1 groups (0 byte-identical, 1 with conflicting labels), 1 redundant images | — |
      | Train/eval leakage | skipped: no training manifest \\(set data.trainManifest\\) | — |
      | Representativity | skipped: nothing to compare with | — |
      | Image properties | skipped: disabled in config | — |
      | Group disparity | skipped: disabled in config | — |

      - ⚠️ label issue rate 10% &gt; 2%

      <details><summary>Label issues: 1 suspects, most suspicious first</summary>

      | id | given | suggested | p(given) | margin |
      | - | - | - | - | - |
      | &lt;script&gt;x&lt;/script&gt;&#124;&#64;&#8203;admin | &lt;script&gt;x&lt;/script&gt;&#124;&#64;&#8203;admin | dog | 0.1 | -0.8 |

      Most frequent: &lt;script&gt;x&lt;/script&gt;&#124;&#64;&#8203;admin → dog (1). Method: confident learning, prune_by_noise_rate, ranked by normalized_margin.

      </details>

      <details><summary>Duplicates: 1 groups (conflicting labels first)</summary>

      | size | ids | labels | match |
      | - | - | - | - |
      | 2 | &lt;script&gt;x&lt;/script&gt;&#124;&#64;&#8203;admin, b | &lt;script&gt;x&lt;/script&gt;&#124;&#64;&#8203;admin, dog | ≤ 4 bits |

      Near = phash Hamming distance ≤ 6 of 64 bits.

      </details>
      "
    `);
  });
});
