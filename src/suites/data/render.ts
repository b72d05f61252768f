/**
 * Markdown "Data" section of the report: one summary table (check, finding, gate), then the worst
 * offenders of each check in collapsed <details>. Every dataset string is escaped.
 */
import type { z } from 'zod';
import type { Level } from '../../types.js';
import type { dataResultSchema } from './schema.js';
import { details, escapeMarkdown as esc, markdownTable } from './markdown.js';
import { dimensionName } from './representativity.js';
import type { DataCheckId } from './types.js';
import { formatNumber as num, formatPercent as pct, formatPValue } from './util.js';

/** The data suite's result as report.json holds it (an undefined number is null). */
export type DataSuiteReport = z.output<typeof dataResultSchema>;
type Finding = NonNullable<DataSuiteReport['checks'][DataCheckId]>;
/** A check's findings when it ran. */
type Ran<K extends DataCheckId> = Exclude<
  NonNullable<DataSuiteReport['checks'][K]>,
  { status: 'skipped' }
>;

const TITLES: Record<DataCheckId, string> = {
  labelIssues: 'Label issues',
  boxes: 'Boxes',
  duplicates: 'Duplicates',
  leakage: 'Train/eval leakage',
  representativity: 'Representativity',
  imageProperties: 'Image properties',
  bias: 'Group disparity',
};

const ORDER: DataCheckId[] = [
  'labelIssues',
  'boxes',
  'duplicates',
  'leakage',
  'representativity',
  'imageProperties',
  'bias',
];

const ICON: Record<Level, string> = { pass: '✅ pass', warn: '⚠️ warn', fail: '❌ fail' };

/** How many offenders each <details> table shows. */
const ROWS = 20;

/** Render the data section. `heading` is the markdown heading prefix (default `###`). */
export function renderDataSection(
  result: DataSuiteReport,
  options: { heading?: string } = {},
): string {
  const h = options.heading ?? '###';
  const parts: string[] = [`${h} Data`, ''];
  parts.push(
    `${result.exampleCount} evaluation examples. Data verdict: ${ICON[result.level]}.`,
    '',
  );
  const rows = ORDER.flatMap((id) => {
    const finding = result.checks[id];
    // A check of the other task (detection's boxes in a classification run) is absent.
    if (!finding) return [];
    const gates = result.gateResults.filter((g) => g.check === id);
    const level = gates.reduce<Level | undefined>(
      (w, g) =>
        g.level === 'fail' || w === 'fail'
          ? 'fail'
          : g.level === 'warn' || w === 'warn'
            ? 'warn'
            : 'pass',
      undefined,
    );
    const summary =
      finding.status === 'skipped'
        ? `skipped: ${esc(finding.reason, 300)}`
        : summarise(id, finding);
    return [[TITLES[id], summary, level ? ICON[level] : '—']];
  });
  parts.push(markdownTable(['check', 'finding', 'gate'], rows), '');

  const failing = result.gateResults.filter((g) => g.level !== 'pass');
  if (failing.length > 0) {
    parts.push(
      ...failing.map((g) => `- ${g.level === 'fail' ? '❌' : '⚠️'} ${esc(g.reason, 300)}`),
      '',
    );
  }
  for (const id of ORDER) {
    const finding = result.checks[id];
    if (!finding || finding.status === 'skipped') continue;
    const block = detailsFor(id, finding);
    if (block) parts.push(block, '');
  }
  return parts.join('\n').trimEnd() + '\n';
}

function summarise(id: DataCheckId, f: Finding): string {
  switch (id) {
    case 'labelIssues': {
      const x = f as Ran<'labelIssues'>;
      const who = x.models === 'candidate+baseline' ? ', both models agree' : '';
      return `${x.issueCount} suspected label errors (${pct(x.issueRate)} of ${x.evaluatedCount}${who}); estimated noise ${pct(x.estimatedNoiseRate)}`;
    }
    case 'boxes': {
      const x = f as Ran<'boxes'>;
      return `${x.objectCount} objects in ${x.imageCount} images: ${x.degenerateCount} degenerate, ${x.outOfBoundsCount} past the border, ${x.duplicateCount} duplicate pairs; ${pct(x.tinyShare)} tiny (< ${Math.sqrt(x.tinyArea ?? NaN)}²)${x.rarestClass ? `; rarest class ${esc(x.rarestClass.class)} (${x.rarestClass.objects})` : ''}`;
    }
    case 'duplicates': {
      const x = f as Ran<'duplicates'>;
      return `${x.groupCount} groups (${x.exactGroupCount} byte-identical, ${x.conflictingGroupCount} with conflicting labels), ${x.redundantImages} redundant images`;
    }
    case 'leakage': {
      const x = f as Ran<'leakage'>;
      return `${x.leakedCount} of ${x.evalCount} evaluation images in the training set (${pct(x.leakedRate)}; ${x.exactCount} exact, ${x.nearCount} near)`;
    }
    case 'representativity': {
      const x = f as Ran<'representativity'>;
      return `${x.comparisons.length} distributions compared, ${x.significantCount} differ significantly; largest TVD ${num(x.maxTvd)}`;
    }
    case 'imageProperties': {
      const x = f as Ran<'imageProperties'>;
      const drift = x.drift
        ? `; drift vs reference: largest KS ${num(x.drift.maxStatistic)}, ${x.drift.properties.filter((d) => d.significant).length} properties significant`
        : '';
      return `${x.unreadableCount} unreadable, ${x.outlierImageCount} outlier images (${pct(x.outlierRate)})${drift}`;
    }
    case 'bias': {
      const x = f as Ran<'bias'>;
      return `${x.attributes.length} attribute(s); largest accuracy gap ${num(x.maxAccuracyGap)}, equalised-odds difference ${num(x.maxEqualizedOddsDifference)}`;
    }
  }
}

/** Escaped, comma-separated values, the first `max` of them (`total` when more exist than given). */
function list(values: readonly string[], max: number, total = values.length): string {
  const shown = values.slice(0, max).map((v) => esc(v));
  return shown.join(', ') + (total > shown.length ? `, … (${total} in all)` : '');
}

function more(total: number, shown: number): string {
  return total > shown ? `\n\n…and ${total - shown} more.` : '';
}

function detailsFor(id: DataCheckId, f: Finding): string | undefined {
  switch (id) {
    case 'labelIssues': {
      const x = f as Ran<'labelIssues'>;
      if (x.issues.length === 0) return undefined;
      const rows = x.issues
        .slice(0, ROWS)
        .map((i) => [
          esc(i.id),
          esc(i.givenLabel),
          esc(i.suggestedLabel),
          num(i.selfConfidence),
          num(i.normalizedMargin),
        ]);
      const table = markdownTable(['id', 'given', 'suggested', 'p(given)', 'margin'], rows);
      const pairs = x.topConfusions
        .map((c) => `${esc(c.given)} → ${esc(c.suggested)} (${c.count})`)
        .join(', ');
      return details(
        `Label issues: ${x.issueCount} suspects, most suspicious first`,
        `${table}${more(x.issueCount, Math.min(ROWS, x.issues.length))}\n\nMost frequent: ${pairs}. Method: confident learning, ${x.method}, ranked by ${x.rankBy}.`,
      );
    }
    case 'boxes':
      return boxDetails(f as Ran<'boxes'>);
    case 'duplicates': {
      const x = f as Ran<'duplicates'>;
      if (x.groups.length === 0) return undefined;
      const rows = x.groups
        .slice(0, ROWS)
        .map((g) => [
          String(g.ids.length),
          list(g.ids, 6),
          list(g.labels, 6),
          g.exact ? 'exact' : `≤ ${g.maxLinkDistance} bits`,
        ]);
      return details(
        `Duplicates: ${x.groupCount} groups (conflicting labels first)`,
        `${markdownTable(['size', 'ids', 'labels', 'match'], rows)}${more(x.groupCount, Math.min(ROWS, x.groups.length))}\n\nNear = ${x.hash} Hamming distance ≤ ${x.threshold} of 64 bits.`,
      );
    }
    case 'leakage': {
      const x = f as Ran<'leakage'>;
      if (x.examples.length === 0) return undefined;
      const rows = x.examples
        .slice(0, ROWS)
        .map((e) => [
          esc(e.id),
          list(e.trainIds, 5, e.trainMatchCount),
          e.exact ? 'exact' : `${e.distance} bits`,
          e.labelMismatch ? 'yes' : 'no',
        ]);
      return details(
        `Leakage: ${x.leakedCount} evaluation images found in the training set`,
        `${markdownTable(['eval id', 'train ids', 'match', 'label differs'], rows)}${more(x.leakedCount, Math.min(ROWS, x.examples.length))}`,
      );
    }
    case 'representativity': {
      const x = f as Ran<'representativity'>;
      const rows = x.comparisons.map((c) => {
        const worst = c.categories[0];
        const notes = [
          c.unexpected.length ? `unexpected: ${list(c.unexpected, 5)}` : '',
          c.missing.length ? `missing: ${list(c.missing, 5)}` : '',
          c.belowMinSupport.length ? `below min support: ${list(c.belowMinSupport, 5)}` : '',
          c.lowExpectedCounts ? 'some expected counts < 5' : '',
        ].filter(Boolean);
        return [
          esc(dimensionName(c.dimension)),
          c.source,
          num(c.tvd),
          c.chiSquare
            ? `${formatPValue(c.chiSquare.pValue)} (χ² ${num(c.chiSquare.statistic)}, df ${c.chiSquare.df})`
            : 'n/a',
          worst
            ? `${esc(worst.value)}: ${pct(worst.observedShare)} vs ${pct(worst.expectedShare)}`
            : '',
          notes.join('; '),
        ];
      });
      return details(
        'Representativity: label and metadata distributions',
        markdownTable(
          ['dimension', 'expected from', 'TVD', 'p-value', 'largest difference', 'notes'],
          rows,
        ),
      );
    }
    case 'imageProperties': {
      const x = f as Ran<'imageProperties'>;
      const blocks: string[] = [];
      if (x.unreadable.length > 0) {
        blocks.push(
          markdownTable(
            ['unreadable id', 'error'],
            x.unreadable.slice(0, ROWS).map((u) => [esc(u.id), esc(u.error)]),
          ) + more(x.unreadableCount, Math.min(ROWS, x.unreadable.length)),
        );
      }
      blocks.push(
        markdownTable(
          ['property', 'median', 'p5–p95', 'outliers', 'worst'],
          x.properties.map((p) => [
            p.property,
            num(p.median),
            `${num(p.p05)}–${num(p.p95)}`,
            String(p.outlierCount),
            p.outliers
              .slice(0, 3)
              .map((o) => `${esc(o.id)} (${num(o.value)})`)
              .join(', '),
          ]),
        ),
      );
      if (x.drift) {
        blocks.push(
          markdownTable(
            ['property', 'KS D', 'p (BH)', 'median eval / reference'],
            x.drift.properties.map((d) => [
              d.property,
              num(d.statistic),
              formatPValue(d.adjustedPValue),
              `${num(d.evalMedian)} / ${num(d.referenceMedian)}`,
            ]),
          ),
        );
      }
      const formats = x.formats.map((fm) => `${esc(fm.format)} ${fm.count}`).join(', ');
      blocks.push(`Formats: ${formats || 'none'}.`);
      return details(
        `Image properties: ${x.unreadableCount} unreadable, ${x.outlierImageCount} outliers`,
        blocks.join('\n\n'),
      );
    }
    case 'bias': {
      const x = f as Ran<'bias'>;
      const blocks = x.attributes.map((a) => {
        const rows = a.groups.map((g) => [
          esc(g.value),
          String(g.size),
          `${pct(g.accuracy)} [${pct(g.accuracyLower)}, ${pct(g.accuracyUpper)}]`,
          g.macroRecall === null ? 'n/a' : pct(g.macroRecall),
          g.macroFpr === null ? 'n/a' : pct(g.macroFpr),
          g.eligible ? '' : 'below min size',
        ]);
        const eod = a.equalizedOddsDifference;
        const line = [
          a.accuracyGap
            ? `accuracy gap ${num(a.accuracyGap.value)} (${esc(a.accuracyGap.highest)} vs ${esc(a.accuracyGap.lowest)})`
            : 'accuracy gap n/a',
          eod
            ? `equalised-odds difference ${num(eod.value)} (class ${esc(eod.label)}, ${eod.component.toUpperCase()})`
            : 'equalised-odds difference n/a',
        ].join('; ');
        return `**${esc(a.attribute)}**: ${line}\n\n${markdownTable(['group', 'n', 'accuracy [95% CI]', 'macro recall', 'macro FPR', ''], rows)}`;
      });
      return details('Group disparity: per-group metrics', blocks.join('\n\n'));
    }
  }
}

/** A box as `(x1, y1)–(x2, y2)` with up to 4 significant digits. */
function boxText(b: readonly (number | null)[]): string {
  const n = (v: number | null) => String(Number((v ?? NaN).toPrecision(4)));
  return `(${n(b[0]!)}, ${n(b[1]!)})–(${n(b[2]!)}, ${n(b[3]!)})`;
}

function boxDetails(x: Ran<'boxes'>): string {
  const blocks: string[] = [];
  const problems = [
    ...x.degenerate.map((d) => ['degenerate', d] as const),
    ...x.outOfBounds.map((d) => ['past the border', d] as const),
  ];
  if (problems.length > 0)
    blocks.push(
      markdownTable(
        ['problem', 'image', 'object', 'class', 'box', 'image size'],
        problems
          .slice(0, ROWS)
          .map(([what, d]) => [
            what,
            esc(d.path),
            String(d.object),
            esc(d.class),
            boxText(d.box),
            `${num(d.imageWidth)}×${num(d.imageHeight)}`,
          ]),
      ) + more(x.degenerateCount + x.outOfBoundsCount, Math.min(ROWS, problems.length)),
    );
  if (x.duplicates.length > 0)
    blocks.push(
      markdownTable(
        ['image', 'objects', 'class', 'IoU'],
        x.duplicates
          .slice(0, ROWS)
          .map((d) => [esc(d.path), d.objects.join(' and '), esc(d.class), num(d.iou)]),
      ) + more(x.duplicateCount, Math.min(ROWS, x.duplicates.length)),
    );
  blocks.push(
    markdownTable(
      ['class', 'objects', 'share', 'images'],
      x.classes
        .slice(0, ROWS)
        .map((c) => [esc(c.class), String(c.objects), pct(c.share), String(c.images)]),
    ) + more(x.classes.length, Math.min(ROWS, x.classes.length)),
  );
  const b = x.areaBuckets;
  blocks.push(
    `Counted objects by COCO area: ${b.small} small (< 32²), ${b.medium} medium, ${b.large} large; ${x.tinyCount} tiny (< ${Math.sqrt(x.tinyArea ?? NaN)}²). ${x.emptyImageCount} images without objects. Duplicates: same class, IoU ≥ ${num(x.duplicateIou)}.`,
  );
  return details(
    `Boxes: ${x.degenerateCount} degenerate, ${x.outOfBoundsCount} past the border, ${x.duplicateCount} duplicate pairs; class balance`,
    blocks.join('\n\n'),
  );
}
