/**
 * Datasets for the fuzz properties: a manifest (CSV, TSV, JSON Lines, Hugging Face
 * metadata.jsonl) or an ImageFolder tree, image files, and at most one planted fault that
 * says what an error message about it must name (file and line, or the path).
 */
import { mkdir, symlink, writeFile } from 'node:fs/promises';
import path from 'node:path';
import fc from 'fast-check';
import { escapeLogText } from '../../../src/log-text.js';
import {
  brokenImage,
  CLASS_COLOURS,
  extensionOf,
  goodImage,
  imageBytes,
  type ImageSpec,
} from './images.js';
import { anyText, fileNameText, valueText } from './strings.js';

export type ManifestKind = 'csv' | 'tsv' | 'jsonl' | 'hf' | 'imagefolder';

/** A metadata value: a string, or (JSON Lines) any JSON value. */
export type MetaValue = string | number | boolean | null | { nested: string } | string[];

export interface RowSpec {
  id: string;
  label: string;
  /** Path relative to the root, `/`-separated, as the manifest writes it. */
  file: string;
  image: ImageSpec;
  meta: MetaValue[];
  /** Also a link: the file is a symbolic link to the file of row `linkTo` (inside the root). */
  linkTo?: number;
}

/**
 * A fault planted in an otherwise valid dataset. `row` indexes `rows`. Each fault makes the run
 * stop with exit code 2 (or, for images with `onUnreadable: skip`, go on without the image).
 */
export type DatasetFault =
  | { kind: 'escape'; row: number; path: string }
  | { kind: 'missing-file'; row: number }
  | { kind: 'empty-label'; row: number }
  | { kind: 'empty-path'; row: number }
  | { kind: 'duplicate-id'; row: number; of: number }
  | { kind: 'unknown-label'; row: number; label: string }
  | { kind: 'link-outside'; row: number }
  | { kind: 'link-loop'; row: number }
  | { kind: 'folder-as-file'; row: number }
  | { kind: 'broken-image'; row: number; image: ImageSpec }
  | { kind: 'bad-quote'; row: number }
  | { kind: 'extra-field'; row: number }
  | { kind: 'bad-json'; row: number; text: string }
  | { kind: 'duplicate-header' }
  | { kind: 'header-only' }
  | { kind: 'empty-manifest' }
  | { kind: 'no-manifest' }
  | { kind: 'no-path-column' }
  | { kind: 'folder-link-outside' }
  /** A column named `__proto__` (refused by name: it cannot be an object key). */
  | { kind: 'reserved-column'; row: number };

export interface DatasetSpec {
  kind: ManifestKind;
  /** The class list, in model output order. */
  classes: string[];
  /** Column names; `id` undefined: no id column (the path is the id). */
  columns: { id?: string; path: string; label: string };
  metaNames: string[];
  rows: RowSpec[];
  crlf: boolean;
  bom: boolean;
  /** Blank lines between JSON Lines rows (they do not count as rows, but as lines). */
  blankLines: boolean;
  /** Quote every CSV field, not only those that need it. */
  quoteAll: boolean;
  /** ImageFolder: files that are not examples (hidden, not images, outside class folders). */
  extras: string[];
  fault?: DatasetFault;
}

/** File and folder names of a dataset's fixed parts (the case folder holds `data/`, `outside/`). */
export const MANIFEST_NAME: Record<Exclude<ManifestKind, 'imagefolder'>, string> = {
  csv: 'manifest.csv',
  tsv: 'manifest.tsv',
  jsonl: 'manifest.jsonl',
  hf: 'metadata.jsonl',
};

const SAFE = fc.stringMatching(/^[a-z][a-z0-9]{0,5}$/);

/** A name for a folder or file that can't be mistaken for a Windows path by the root check. */
const pathPart = fileNameText().filter((s) => !s.startsWith('\\') && !/^[A-Za-z]:/.test(s));

/** A dataset whose class list is `classes` (labels are drawn from it). */
export function datasetArb(
  classes: readonly string[],
  options: { faults: boolean; brokenImages: boolean; kinds?: readonly ManifestKind[] },
): fc.Arbitrary<DatasetSpec> {
  const kinds = options.kinds ?? (['csv', 'tsv', 'jsonl', 'hf', 'imagefolder'] as const);
  return fc.constantFrom(...kinds).chain((kind) => {
    const columnNames =
      kind === 'imagefolder'
        ? fc.constant({ path: 'path', label: 'label' })
        : kind === 'hf'
          ? fc.record({
              id: fc.option(fc.constant('id'), { nil: undefined }),
              path: fc.constant('file_name'),
              label: fc.constant('label'),
            })
          : fc.record({
              id: fc.option(
                fc.oneof(
                  fc.constant('id'),
                  SAFE.map((s) => `id_${s}`),
                ),
                {
                  nil: undefined,
                },
              ),
              path: fc.oneof(
                fc.constant('path'),
                SAFE.map((s) => `p_${s}`),
              ),
              label: fc.oneof(
                fc.constant('label'),
                SAFE.map((s) => `l_${s}`),
              ),
            });
    return columnNames
      .chain((columns) =>
        fc.record({
          columns: fc.constant(columns),
          metaNames:
            kind === 'imagefolder'
              ? fc.constant<string[]>([])
              : fc.uniqueArray(
                  fc
                    .oneof(
                      { weight: 4, arbitrary: valueText(4) },
                      // Names that are also properties of every JavaScript object.
                      // (`__proto__` is refused by name: a fault of its own.)
                      fc.constantFrom('constructor', 'toString', 'hasOwnProperty'),
                    )
                    .filter((s) => ![...Object.values(columns), 'file_name'].includes(s)),
                  { maxLength: 3, selector: (s) => s },
                ),
        }),
      )
      .chain(({ columns, metaNames }) =>
        fc
          .record({
            rows: rowsArb(kind, classes, metaNames.length),
            crlf: fc.boolean(),
            bom: fc.boolean(),
            blankLines: fc.boolean(),
            quoteAll: fc.boolean(),
            extras:
              kind === 'imagefolder'
                ? fc.array(
                    fc.constantFrom<string>(
                      '.hidden.png',
                      'README.txt',
                      'loose.png',
                      '.git/config',
                      'CLASS/notes.txt',
                    ),
                    { maxLength: 3 },
                  )
                : fc.constant<string[]>([]),
          })
          .chain((parts) => {
            const spec: DatasetSpec = {
              kind,
              classes: [...classes],
              columns,
              metaNames,
              ...parts,
            };
            if (!options.faults) return fc.constant(spec);
            return fc
              .option(faultArb(spec, options.brokenImages), {
                nil: undefined,
                freq: 2,
              })
              .map((fault) => (fault ? { ...spec, fault } : spec));
          }),
      );
  });
}

function metaValue(kind: ManifestKind): fc.Arbitrary<MetaValue> {
  const text = fc.oneof({ weight: 4, arbitrary: valueText(5) }, fc.constant(''));
  if (kind !== 'jsonl' && kind !== 'hf') return text;
  return fc.oneof(
    { weight: 6, arbitrary: text },
    fc.integer({ min: -5, max: 5 }),
    fc.double({ noNaN: true, noDefaultInfinity: true }),
    fc.boolean(),
    fc.constant(null),
    fc.record({ nested: valueText(3) }),
    fc.array(valueText(2), { maxLength: 2 }),
  );
}

function rowsArb(
  kind: ManifestKind,
  classes: readonly string[],
  metaCount: number,
): fc.Arbitrary<RowSpec[]> {
  const row = fc
    .record({
      label: fc.constantFrom(...classes),
      id: valueText(6),
      dir: fc.oneof(
        { weight: 3, arbitrary: fc.constant('') },
        pathPart,
        fc.tuple(pathPart, pathPart).map(([a, b]) => `${a}/${b}`),
      ),
      name: pathPart,
      good: fc.oneof({ weight: 9, arbitrary: fc.constant(true) }, fc.constant(false)),
      seed: fc.integer({ min: 1, max: 0x7fffffff }),
      meta: fc.array(metaValue(kind), { minLength: metaCount, maxLength: metaCount }),
      wrongExtension: fc.oneof({ weight: 9, arbitrary: fc.constant(false) }, fc.constant(true)),
      link: fc.oneof({ weight: 12, arbitrary: fc.constant(false) }, fc.constant(true)),
    })
    .chain((r) => goodImage(CLASS_COLOURS[r.label]).map((image) => ({ ...r, image })));
  return fc
    .uniqueArray(row, {
      minLength: 2,
      maxLength: 20,
      // Ids and files are unique; a path differing only in its folder is a different file.
      selector: (r) => r.id,
    })
    .map((rows) => {
      const files = new Set<string>();
      const out: RowSpec[] = [];
      rows.forEach((r, i) => {
        const ext = r.wrongExtension && kind !== 'imagefolder' ? '.png' : extensionOf(r.image);
        const dir = kind === 'imagefolder' ? [r.label, r.dir].filter(Boolean).join('/') : r.dir;
        let file = `${dir ? `${dir}/` : ''}${r.name}${ext}`;
        // A file name must not also be a folder of another row (a/b.png next to a/b.png/c.png).
        for (
          let k = 1;
          files.has(file) ||
          [...files].some((f) => f.startsWith(`${file}/`) || file.startsWith(`${f}/`));
          k++
        )
          file = `${dir ? `${dir}/` : ''}${r.name}-${k}${ext}`;
        files.add(file);
        out.push({
          id: r.id,
          label: r.label,
          file,
          image: r.image,
          meta: r.meta,
          ...(r.link && i > 0 ? { linkTo: 0 } : {}),
        });
      });
      return out;
    });
}

function faultArb(spec: DatasetSpec, brokenImages: boolean): fc.Arbitrary<DatasetFault> {
  const row = fc.integer({ min: 0, max: spec.rows.length - 1 });
  const manifest = spec.kind !== 'imagefolder';
  const csv = spec.kind === 'csv' || spec.kind === 'tsv';
  const choices: fc.Arbitrary<DatasetFault>[] = [
    row.map((r) => ({ kind: 'missing-file' as const, row: r })),
    row.map((r) => ({ kind: 'link-outside' as const, row: r })),
    row.map((r) => ({ kind: 'link-loop' as const, row: r })),
  ];
  if (brokenImages)
    choices.push(
      fc.record({ kind: fc.constant('broken-image' as const), row, image: brokenImage() }),
    );
  if (manifest)
    choices.push(
      row.map((r) => ({ kind: 'reserved-column' as const, row: r })),
      fc.record({
        kind: fc.constant('escape' as const),
        row,
        path: fc.constantFrom(
          '../outside/x.png',
          '/etc/hostname',
          'a/../../x.png',
          '..',
          'C:/x.png',
        ),
      }),
      row.map((r) => ({ kind: 'empty-label' as const, row: r })),
      row.map((r) => ({ kind: 'empty-path' as const, row: r })),
      fc.record({
        kind: fc.constant('unknown-label' as const),
        row,
        label: valueText(4).filter((l) => !spec.classes.includes(l)),
      }),
      row.map((r) => ({ kind: 'folder-as-file' as const, row: r })),
      fc.constantFrom(
        { kind: 'header-only' as const },
        { kind: 'empty-manifest' as const },
        { kind: 'no-manifest' as const },
      ),
    );
  // Without an id column the path is the id, and paths are unique.
  if (manifest && spec.columns.id !== undefined)
    choices.push(
      fc
        .integer({ min: 1, max: spec.rows.length - 1 })
        .chain((r) => fc.record({ row: fc.constant(r), of: fc.integer({ min: 0, max: r - 1 }) }))
        .map(({ row: r, of }) => ({ kind: 'duplicate-id' as const, row: r, of })),
    );
  if (csv)
    choices.push(
      row.map((r) => ({ kind: 'bad-quote' as const, row: r })),
      row.map((r) => ({ kind: 'extra-field' as const, row: r })),
      fc.constant({ kind: 'duplicate-header' as const }),
      fc.constant({ kind: 'no-path-column' as const }),
    );
  if (spec.kind === 'jsonl' || spec.kind === 'hf')
    choices.push(
      fc.record({
        kind: fc.constant('bad-json' as const),
        row,
        text: fc.oneof(
          fc.constantFrom('{', '[1, 2]', '"a string"', 'null', '{"path": }', '42'),
          anyText(6).filter((t) => t.trim() !== '' && !/[\r\n\u2028\u2029]/.test(t)),
        ),
      }),
    );
  if (spec.kind === 'imagefolder')
    choices.push(fc.constant({ kind: 'folder-link-outside' as const }));
  return fc.oneof(...choices);
}

/** The anchors an error about a planted fault must contain (any one of them). */
export interface WrittenDataset {
  /** Absolute paths. */
  root: string;
  manifest?: string;
  /** Each row's first and last line in the manifest (1-based), by row index. */
  lines: [number, number][];
}

const CSV_NEEDS_QUOTES = /[",\t\r\n]|^\s|\s$/;

function csvField(value: string, delimiter: string, quoteAll: boolean): string {
  const needs = quoteAll || CSV_NEEDS_QUOTES.test(value) || value.includes(delimiter);
  return needs ? `"${value.replace(/"/g, '""')}"` : value;
}

const metaText = (v: MetaValue): string =>
  v === null
    ? ''
    : typeof v === 'string'
      ? v
      : typeof v === 'object'
        ? JSON.stringify(v)
        : String(v);

/**
 * A row's fields after the fault (some faults rewrite a field), as [column, value] pairs in
 * column order: pairs, not an object, because a column may be named `__proto__`.
 */
function rowFields(spec: DatasetSpec, i: number): [string, MetaValue][] {
  const r = spec.rows[i]!;
  const f =
    spec.fault?.kind !== undefined && 'row' in spec.fault && spec.fault.row === i
      ? spec.fault
      : undefined;
  const fields: [string, MetaValue][] = [];
  if (spec.columns.id)
    fields.push([spec.columns.id, f?.kind === 'duplicate-id' ? spec.rows[f.of]!.id : r.id]);
  const file = f?.kind === 'escape' ? f.path : f?.kind === 'empty-path' ? '' : r.file;
  fields.push([spec.columns.path, file]);
  const label = f?.kind === 'empty-label' ? '' : f?.kind === 'unknown-label' ? f.label : r.label;
  fields.push([spec.columns.label, label]);
  spec.metaNames.forEach((m, k) => fields.push([m, r.meta[k] ?? '']));
  return fields;
}

/** A JSON object with these keys in this order (JSON.stringify of an object drops `__proto__`). */
const jsonObject = (pairs: [string, MetaValue][]) =>
  `{${pairs
    .filter(([, v]) => v !== null)
    .map(([k, v]) => `${JSON.stringify(k)}:${JSON.stringify(v)}`)
    .join(',')}}`;

/** Write the dataset under `caseDir/data` (and `caseDir/outside` for links that leave it). */
export async function writeDataset(spec: DatasetSpec, caseDir: string): Promise<WrittenDataset> {
  const root = path.join(caseDir, 'data');
  const outside = path.join(caseDir, 'outside');
  await mkdir(root, { recursive: true });
  await mkdir(outside, { recursive: true });
  await writeFile(path.join(outside, 'x.png'), await imageBytes(spec.rows[0]!.image));
  const f = spec.fault;
  // Image files.
  for (let i = 0; i < spec.rows.length; i++) {
    const r = spec.rows[i]!;
    const abs = path.join(root, r.file);
    await mkdir(path.dirname(abs), { recursive: true });
    const faulty = f && 'row' in f && f.row === i ? f : undefined;
    if (faulty?.kind === 'missing-file') continue;
    if (faulty?.kind === 'link-outside') {
      await symlink(path.join(outside, 'x.png'), abs);
      continue;
    }
    if (faulty?.kind === 'link-loop') {
      await symlink(path.basename(abs), abs);
      continue;
    }
    if (faulty?.kind === 'folder-as-file') {
      await mkdir(abs, { recursive: true });
      continue;
    }
    if (r.linkTo !== undefined && !(f && 'row' in f && f.row === r.linkTo)) {
      await symlink(
        path.relative(path.dirname(abs), path.join(root, spec.rows[r.linkTo]!.file)),
        abs,
      );
      continue;
    }
    const image = faulty?.kind === 'broken-image' ? faulty.image : r.image;
    await writeFile(abs, await imageBytes(image));
  }
  if (spec.kind === 'imagefolder') {
    for (const extra of spec.extras) {
      const abs = path.join(root, extra);
      await mkdir(path.dirname(abs), { recursive: true });
      await writeFile(abs, 'not part of the dataset\n');
    }
    if (f?.kind === 'folder-link-outside') {
      // Into the first row's class folder: a class with no rows has no folder.
      await symlink(outside, path.join(root, spec.rows[0]!.label, 'elsewhere'));
    }
    return { root, lines: spec.rows.map(() => [0, 0]) };
  }
  const manifest = path.join(root, MANIFEST_NAME[spec.kind]);
  if (f?.kind === 'no-manifest') return { root, manifest, lines: spec.rows.map(() => [0, 0]) };
  const eol = spec.crlf ? '\r\n' : '\n';
  const lines: [number, number][] = [];
  let text = spec.bom ? '\ufeff' : '';
  let line = 1;
  const push = (row: string, i?: number) => {
    const breaks = row.match(/\r\n|\r|\n/g)?.length ?? 0;
    if (i !== undefined) lines[i] = [line, line + breaks];
    text += row + eol;
    line += breaks + 1;
  };
  if (f?.kind === 'empty-manifest') {
    await writeFile(manifest, text);
    return { root, manifest, lines: spec.rows.map(() => [0, 0]) };
  }
  if (spec.kind === 'csv' || spec.kind === 'tsv') {
    const d = spec.kind === 'tsv' ? '\t' : ',';
    const names = [
      ...(spec.columns.id ? [spec.columns.id] : []),
      f?.kind === 'no-path-column' ? 'where' : spec.columns.path,
      spec.columns.label,
      ...spec.metaNames,
    ];
    if (f?.kind === 'duplicate-header') names.push(spec.columns.label);
    if (f?.kind === 'reserved-column') names.push('__proto__');
    push(names.map((n) => csvField(n, d, spec.quoteAll)).join(d));
    if (f?.kind !== 'header-only')
      spec.rows.forEach((_, i) => {
        const values = rowFields(spec, i).map(([, v]) => csvField(metaText(v), d, spec.quoteAll));
        if (f?.kind === 'reserved-column') values.push('x');
        if (f?.kind === 'duplicate-header')
          values.push(csvField(spec.rows[i]!.label, d, spec.quoteAll));
        if (f && 'row' in f && f.row === i) {
          if (f.kind === 'bad-quote') values[0] = `"${values[0]!.replace(/"/g, '')}`;
          if (f.kind === 'extra-field') values.push('extra');
        }
        push(values.join(d), i);
      });
  } else {
    if (f?.kind === 'header-only') {
      await writeFile(manifest, text + eol);
      return { root, manifest, lines: spec.rows.map(() => [0, 0]) };
    }
    spec.rows.forEach((_, i) => {
      if (spec.blankLines && i % 3 === 1) push('');
      const fields = rowFields(spec, i);
      if (f?.kind === 'reserved-column' && f.row === i) fields.push(['__proto__', 'x']);
      push(f?.kind === 'bad-json' && f.row === i ? f.text : jsonObject(fields), i);
    });
  }
  await writeFile(manifest, text);
  return { root, manifest, lines };
}

/**
 * What a message about the planted fault must contain: any one of these strings. Undefined when
 * the fault names no line (or there is none).
 */
export function faultAnchors(spec: DatasetSpec, written: WrittenDataset): string[] | undefined {
  const f = spec.fault;
  if (!f) return undefined;
  const name = written.manifest ? path.basename(written.manifest) : undefined;
  const at = (i: number) => {
    const [a, b] = written.lines[i] ?? [0, 0];
    return Array.from({ length: b - a + 1 }, (_, k) => `${name}:${a + k}`);
  };
  switch (f.kind) {
    case 'escape':
    case 'empty-label':
    case 'empty-path':
    case 'duplicate-id':
    case 'unknown-label':
    case 'bad-quote':
    case 'extra-field':
    case 'bad-json':
      return at(f.row);
    case 'reserved-column':
      return spec.kind === 'csv' || spec.kind === 'tsv' ? [`${name}:1`] : at(f.row);
    case 'missing-file':
    case 'link-outside':
    case 'link-loop':
    case 'folder-as-file':
    case 'broken-image':
      // ImageFolder has no lines: the file is named by its path under the root, as logged.
      return name ? at(f.row) : [escapeLogText(spec.rows[f.row]!.file)];
    default:
      return name ? [name] : undefined;
  }
}
