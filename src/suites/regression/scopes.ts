/**
 * Config checks that need the dataset but not the models: every gate scope and slice setting
 * must name columns, values and classes the data has, so no gate can pass in silence because it
 * matched nothing. Run at plan time, before inference; messages give `file:line`, the closest
 * name and the names that do exist.
 */
import type { PlanContext } from '../../analysis/suite.js';
import { CLASS_COLUMN, isNumericText } from '../../analysis/slices.js';
import { closestMatch } from '../../did-you-mean.js';
import { UserError } from '../../errors.js';
import { compareText } from '../../text/compare.js';

/** Up to 12 names, the closest match to `word` first. */
function listNames(word: string, names: readonly string[]): string {
  const close = closestMatch(word, names);
  const ordered = close === undefined ? [...names] : [close, ...names.filter((n) => n !== close)];
  const shown = ordered.slice(0, 12).map((n) => `"${n}"`);
  if (ordered.length > shown.length) shown.push(`and ${ordered.length - shown.length} more`);
  return `${close !== undefined ? `did you mean "${close}"? ` : ''}${names.length > 0 ? `the data has ${shown.join(', ')}` : 'the data has none'}`;
}

/** Values of each metadata column among all examples, by column name. */
function columnValues(ctx: PlanContext): Map<string, Set<string>> {
  const t = ctx.allExamples;
  const out = new Map<string, Set<string>>();
  for (const name of ctx.metadataColumns) {
    const c = t.column(name);
    if (c < 0) continue;
    const m = t.metadata[c]!;
    const used = new Uint8Array(m.values.length + 1);
    for (let e = 0; e < t.length; e++) used[m.codes[e]!] = 1;
    const present = m.values.filter((_, v) => used[v + 1] === 1);
    // Listed in the order the report sorts slices: numbers numerically, text as text.
    if (present.every(isNumericText)) present.sort((a, b) => Number(a) - Number(b));
    else present.sort(compareText);
    out.set(name, new Set(present));
  }
  return out;
}

/**
 * Refuse gate scopes, slice columns and crossings that name a column, value or class the data
 * does not have (a gate on `slice:lighting=night` would otherwise match nothing).
 */
export function checkScopes(ctx: PlanContext): void {
  const { config } = ctx;
  const at = (key: readonly (string | number)[], text: string): never => {
    const line = ctx.lineOf(key);
    const path = key.map((k, i) => (typeof k === 'number' ? `[${k}]` : i === 0 ? k : `.${k}`));
    throw new UserError(
      'config',
      `${ctx.configName}${line ? `:${line}` : ''}: ${path.join('')}: ${text}`,
    );
  };
  const columns = [...ctx.metadataColumns];
  const values = columnValues(ctx);
  const column = (key: readonly (string | number)[], name: string) => {
    if (!values.has(name) && !ctx.metadataColumns.includes(name))
      at(key, `no metadata column "${name}"; ${listNames(name, columns)}`);
  };
  config.gates.forEach((g, i) => {
    const key = ['gates', i, 'scope'];
    if (g.scope.startsWith('column:')) column(key, g.scope.slice(7));
    else if (g.scope === 'classes' && !config.slices.classes)
      at(key, 'scope "classes" matches nothing: slices.classes is false');
    else if (g.scope.startsWith('slice:')) {
      for (const part of g.scope.slice(6).split('&')) {
        const text = part.trim();
        const interval = text.indexOf('∈');
        const eq = text.indexOf('=');
        const cut = interval >= 0 && (eq < 0 || interval < eq) ? interval : eq;
        if (cut <= 0)
          at(key, `"${text}" is not column=value (e.g. slice:lighting=dim or slice:class=Coat)`);
        const name = text.slice(0, cut).trim();
        const value = text.slice(cut + 1).trim();
        if (name === CLASS_COLUMN) {
          if (!ctx.classes.includes(value))
            at(key, `no class "${value}"; ${listNames(value, ctx.classes)}`);
          continue;
        }
        column(key, name);
        // A quantile bin's edges are known only once the evaluated examples are: checked then.
        if (interval === cut) continue;
        const known = values.get(name) ?? new Set<string>();
        if (!known.has(value)) {
          const all = [...known];
          const binned =
            all.length > config.slices.maxValues && all.every(isNumericText)
              ? `; "${name}" has ${all.length} numeric values and is binned into quantiles (slices.maxValues), so scope a bin such as slice:${name}∈[lo, hi) as the report names it`
              : '';
          at(key, `no example has ${name}=${value}; ${listNames(value, all)}${binned}`);
        }
      }
    }
  });
  (config.slices.columns ?? []).forEach((c, i) => column(['slices', 'columns', i], c));
  config.slices.crossings.forEach((cross, i) =>
    cross.forEach((c, j) => column(['slices', 'crossings', i, j], c)),
  );
  config.slices.bin.forEach((c, i) => {
    column(['slices', 'bin', i], c);
    const all = [...(values.get(c) ?? [])];
    if (!all.every(isNumericText)) {
      const bad = all.find((v) => !isNumericText(v))!;
      at(
        ['slices', 'bin', i],
        `"${c}" is not numeric (it has the value "${bad}"): only numbers can be binned`,
      );
    }
  });
  (config.discovery.columns ?? []).forEach((c, i) => column(['discovery', 'columns', i], c));
}
