/**
 * The examples of a dataset stored by column. An object per manifest row (id, path, absolute
 * path, metadata object) cost ~470 bytes per example; here an example is its id and path
 * strings plus a few integer codes: the label and each metadata value are indices into
 * per-column value lists, and the absolute path is made from the root when it is needed.
 * {@link ExampleTable.at} gives an {@link Example} object for code that works on one at a time.
 */
import path from 'node:path';
import type { Example } from '../types.js';

/** One dictionary-encoded metadata column: code 0 is "missing", code c is values[c − 1]. */
export interface MetadataColumn {
  readonly name: string;
  readonly codes: Uint32Array;
  readonly values: readonly string[];
}

export class ExampleTable {
  constructor(
    /** Absolute dataset root: `paths` are relative to it. */
    readonly root: string,
    readonly ids: readonly string[],
    /** POSIX paths relative to the root. */
    readonly paths: readonly string[],
    /** Label names: the manifest's in first-seen order, or the class list after `withClasses`. */
    readonly labels: readonly string[],
    /** Index into `labels` per example (the class index once classes are attached). */
    readonly labelCodes: Uint32Array,
    /** Metadata columns in manifest (or configured) order. */
    readonly metadata: readonly MetadataColumn[],
    /**
     * 1-based ordinal of each example's row among the manifest's data rows, for messages
     * (`manifestLines` turns it into a file line).
     */
    readonly records: Uint32Array,
  ) {}

  /**
   * A table of example objects (tests, small callers). Their absolute paths must be one root
   * plus their paths (the root is taken from the first example); label codes are the examples'
   * label indices into `classes` (default: the labels seen, by index).
   */
  static fromExamples(
    examples: readonly Example[],
    options: { classes?: readonly string[]; metadataColumns?: readonly string[] } = {},
  ): ExampleTable {
    const first = examples[0];
    const root = first ? first.absPath.slice(0, -first.path.length - 1) || '/' : '/';
    const classes =
      options.classes ??
      Array.from(
        { length: Math.max(0, ...examples.map((e) => e.labelIndex + 1)) },
        (_, i) => examples.find((e) => e.labelIndex === i)?.label ?? String(i),
      );
    const columns = options.metadataColumns ?? [
      ...new Set(examples.flatMap((e) => Object.keys(e.metadata))),
    ];
    const b = new ExampleTableBuilder(root);
    for (const e of examples) {
      if (path.resolve(root, e.path) !== path.resolve(e.absPath))
        throw new RangeError(`example ${e.id}: absPath ${e.absPath} is not ${root} + ${e.path}`);
      b.push(e.id, e.path, e.label, 0, e.metadata);
    }
    return b.finish(columns).withClasses(classes);
  }

  get length(): number {
    return this.ids.length;
  }

  absPath(i: number): string {
    return path.resolve(this.root, this.paths[i]!);
  }

  label(i: number): string {
    return this.labels[this.labelCodes[i]!]!;
  }

  /** Metadata value of column `c` (an index into `metadata`) for example `i`, if present. */
  value(c: number, i: number): string | undefined {
    const col = this.metadata[c]!;
    const code = col.codes[i]!;
    return code === 0 ? undefined : col.values[code - 1];
  }

  /** The metadata of example `i` as an object, keys in column order, missing values absent. */
  metadataOf(i: number): Record<string, string> {
    const out: Record<string, string> = {};
    for (let c = 0; c < this.metadata.length; c++) {
      const v = this.value(c, i);
      if (v !== undefined) out[this.metadata[c]!.name] = v;
    }
    return out;
  }

  /** Example `i` as an object (made on each call: use for one example at a time). */
  at(i: number): Example {
    return {
      id: this.ids[i]!,
      path: this.paths[i]!,
      absPath: this.absPath(i),
      label: this.label(i),
      labelIndex: this.labelCodes[i]!,
      metadata: this.metadataOf(i),
    };
  }

  /**
   * Example `i` as a small object reading the table on demand (absolute path, label and
   * metadata are made only if read): for a pass that touches every example once, where a full
   * {@link at} object per example was garbage that outlived young-generation collections.
   */
  ref(i: number): Example {
    return new ExampleRef(this, i);
  }

  /** Index of the metadata column `name`, or −1. */
  column(name: string): number {
    return this.metadata.findIndex((m) => m.name === name);
  }

  /** The examples at `rows` (in that order), sharing strings and value lists. */
  select(rows: ArrayLike<number>): ExampleTable {
    const pick = (a: Uint32Array) =>
      Uint32Array.from({ length: rows.length }, (_, t) => a[rows[t]!]!);
    return new ExampleTable(
      this.root,
      Array.from({ length: rows.length }, (_, t) => this.ids[rows[t]!]!),
      Array.from({ length: rows.length }, (_, t) => this.paths[rows[t]!]!),
      this.labels,
      pick(this.labelCodes),
      this.metadata.map((m) => ({ name: m.name, codes: pick(m.codes), values: m.values })),
      pick(this.records),
    );
  }

  /** The same examples with labels as indices into `classes` (every label must be one). */
  withClasses(classes: readonly string[]): ExampleTable {
    const index = new Map(classes.map((c, i) => [c, i]));
    const remap = this.labels.map((l) => index.get(l) ?? -1);
    const codes = this.labelCodes.map((c) => remap[c]!);
    return new ExampleTable(
      this.root,
      this.ids,
      this.paths,
      classes,
      codes,
      this.metadata,
      this.records,
    );
  }

  /** Row of each id (a Map of the table's size: build once where lookups by id are needed). */
  indexById(): Map<string, number> {
    return indexOfIds(this.ids);
  }
}

/** Grows the columns of an {@link ExampleTable} one manifest row at a time. */
export class ExampleTableBuilder {
  private n = 0;
  private readonly ids: string[] = [];
  private readonly paths: string[] = [];
  private readonly labelIndex = new Map<string, number>();
  private readonly labels: string[] = [];
  private labelCodes: Uint32Array = new Uint32Array(1024);
  private records: Uint32Array = new Uint32Array(1024);
  private readonly columns = new Map<
    string,
    { codes: Uint32Array; index: Map<string, number>; values: string[] }
  >();

  constructor(private readonly root: string) {}

  get length(): number {
    return this.n;
  }

  /**
   * Append an example. Its metadata are the non-empty `fields` whose column passes
   * `isMetadata` (all when not given): read in place, so a manifest row makes no copies.
   */
  push(
    id: string,
    relPath: string,
    label: string,
    record: number,
    fields: Readonly<Record<string, string>>,
    isMetadata: (column: string) => boolean = () => true,
  ): void {
    const i = this.n++;
    if (i >= this.records.length) {
      this.labelCodes = grown(this.labelCodes);
      this.records = grown(this.records);
      for (const c of this.columns.values()) c.codes = grown(c.codes);
    }
    this.ids.push(id);
    this.paths.push(relPath);
    let code = this.labelIndex.get(label);
    if (code === undefined) {
      code = this.labels.push(label) - 1;
      this.labelIndex.set(label, code);
    }
    this.labelCodes[i] = code;
    this.records[i] = record;
    for (const name in fields) {
      const v = fields[name]!;
      if (v === '' || !isMetadata(name)) continue;
      let col = this.columns.get(name);
      if (!col) {
        col = { codes: new Uint32Array(this.records.length), index: new Map(), values: [] };
        this.columns.set(name, col);
      }
      let vc = col.index.get(v);
      if (vc === undefined) {
        vc = col.values.push(v);
        col.index.set(v, vc);
      }
      col.codes[i] = vc;
    }
  }

  /** The table with the metadata columns `columns` (in that order; unseen ones all missing). */
  finish(columns: readonly string[]): ExampleTable {
    const n = this.n;
    return new ExampleTable(
      this.root,
      this.ids,
      this.paths,
      this.labels,
      this.labelCodes.slice(0, n),
      columns.map((name) => {
        const col = this.columns.get(name);
        return {
          name,
          codes: col ? col.codes.slice(0, n) : new Uint32Array(n),
          values: col?.values ?? [],
        };
      }),
      this.records.slice(0, n),
    );
  }
}

function grown(a: Uint32Array): Uint32Array {
  const b = new Uint32Array(a.length * 2);
  b.set(a);
  return b;
}

/** See {@link ExampleTable.ref}. */
class ExampleRef implements Example {
  readonly id: string;
  readonly path: string;
  readonly labelIndex: number;

  constructor(
    private readonly table: ExampleTable,
    private readonly row: number,
  ) {
    this.id = table.ids[row]!;
    this.path = table.paths[row]!;
    this.labelIndex = table.labelCodes[row]!;
  }

  get absPath(): string {
    return this.table.absPath(this.row);
  }

  get label(): string {
    return this.table.label(this.row);
  }

  get metadata(): Record<string, string> {
    return this.table.metadataOf(this.row);
  }
}

/** Row of each id in a column of ids: the index behind the tables' `indexById`. */
export function indexOfIds(ids: readonly string[]): Map<string, number> {
  const m = new Map<string, number>();
  ids.forEach((id, i) => m.set(id, i));
  return m;
}
