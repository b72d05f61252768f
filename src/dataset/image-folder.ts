import type { Dirent } from 'node:fs';
import { readdir, realpath, stat } from 'node:fs/promises';
import path from 'node:path';
import { UserError } from '../errors.js';

/** File extensions treated as images when scanning folders (what sharp decodes). */
export const IMAGE_EXTENSIONS = new Set([
  '.png',
  '.jpg',
  '.jpeg',
  '.webp',
  '.gif',
  '.tif',
  '.tiff',
  '.avif',
  '.heic',
  '.heif',
  '.bmp',
  '.svg',
]);

/** A file or folder under the dataset root that is not part of the dataset, and why. */
export interface UnusedFile {
  /** Relative to the root, `/`-separated; a folder ends with `/`. */
  path: string;
  reason: string;
}

export interface ImageFolderScan {
  /** Images, by class folder (sorted) then path (sorted); `label` is the class folder's name. */
  rows: { path: string; label: string }[];
  /** Everything under the root that is not an image of a class, sorted by path. */
  unused: UnusedFile[];
}

const isImage = (name: string) => IMAGE_EXTENSIONS.has(path.extname(name).toLowerCase());
const byName = (a: Dirent, b: Dirent) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0);

/** `abs` is the root or below it. Only a whole `..` segment climbs out. */
function within(root: string, abs: string): boolean {
  const rel = path.relative(root, abs);
  return rel === '' || (rel !== '..' && !rel.startsWith(`..${path.sep}`) && !path.isAbsolute(rel));
}

type Target =
  | { kind: 'folder' | 'file' | 'other'; real: string }
  | { kind: 'unused'; reason: string }
  | { kind: 'outside'; folder: boolean; real: string };

/**
 * Scan `root/<class>/**` like torchvision's ImageFolder (which walks with `followlinks=True`):
 * the first-level folders are the classes, every image below one is an example of it.
 *
 * Symbolic links to files and folders are followed when they resolve inside the root, and
 * refused, naming them, when they resolve outside it (the root must hold the whole dataset;
 * `checkFiles` applies the same rule to manifest rows). Each real folder is read once: a link
 * to a folder read already (a loop, or a second way to the same images) is not followed, so a
 * hostile tree of links can neither loop nor grow the walk exponentially. Nothing is dropped
 * silently: hidden entries, other files, broken links, unreadable folders and class folders
 * without images are returned in `unused` with the reason.
 */
export async function scanImageFolder(root: string): Promise<ImageFolderScan> {
  let realRoot: string;
  let top: Dirent[];
  try {
    realRoot = await realpath(root);
    top = await readdir(realRoot, { withFileTypes: true });
  } catch (error) {
    throw new UserError(
      'dataset',
      `cannot read dataset root ${root}: ${(error as NodeJS.ErrnoException).code ?? String(error)}`,
    );
  }
  const unused: UnusedFile[] = [];
  /** Hidden folders by real path: one whose images are reached through a link is not unused. */
  const hiddenFolders = new Map<string, UnusedFile>();
  const hidden = (d: Dirent, rel: string, realParent: string) => {
    const entry = { path: d.isDirectory() ? `${rel}/` : rel, reason: 'hidden' };
    unused.push(entry);
    if (d.isDirectory()) hiddenFolders.set(path.join(realParent, d.name), entry);
  };
  const outside: string[] = [];
  /** Real folder -> the path it was read as ('' for the root). */
  const read = new Map<string, string>([[realRoot, '']]);

  /** What an entry is, following a link; `realParent` is the real path of its folder. */
  const resolve = async (d: Dirent, realParent: string): Promise<Target> => {
    const own = path.join(realParent, d.name);
    if (!d.isSymbolicLink()) {
      const kind = d.isDirectory() ? 'folder' : d.isFile() ? 'file' : 'other';
      return { kind, real: own };
    }
    let real: string;
    try {
      real = await realpath(own);
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      const reason =
        code === 'ENOENT'
          ? 'a broken link'
          : code === 'ELOOP'
            ? 'a link loop'
            : `unreadable (${code})`;
      return { kind: 'unused', reason };
    }
    let folder: boolean;
    let file: boolean;
    try {
      const s = await stat(real);
      folder = s.isDirectory();
      file = s.isFile();
    } catch (error) {
      return { kind: 'unused', reason: `unreadable (${(error as NodeJS.ErrnoException).code})` };
    }
    if (!within(realRoot, real)) return { kind: 'outside', folder, real };
    return { kind: folder ? 'folder' : file ? 'file' : 'other', real };
  };

  /** A folder is read unless its real path was read before; then says why not. */
  const claim = (rel: string, real: string): string | undefined => {
    const first = read.get(real);
    if (first === undefined) {
      read.set(real, rel);
      return undefined;
    }
    return first === '' || rel.startsWith(`${first}/`)
      ? `a link to a folder that contains it (${first === '' ? 'the dataset root' : `${first}/`})`
      : `the same folder as ${first}/, which is read already`;
  };

  const classes: { name: string; real: string }[] = [];
  for (const d of top.sort(byName)) {
    if (d.name.startsWith('.')) {
      hidden(d, d.name, realRoot);
      continue;
    }
    const t = await resolve(d, realRoot);
    const shown = t.kind === 'folder' || (t.kind === 'outside' && t.folder) ? `${d.name}/` : d.name;
    if (t.kind === 'unused') unused.push({ path: shown, reason: t.reason });
    else if (t.kind === 'outside') {
      if (t.folder) outside.push(d.name);
      else unused.push({ path: shown, reason: 'not in a class folder (a link outside the root)' });
    } else if (t.kind === 'folder') {
      const why = claim(d.name, t.real);
      if (why) unused.push({ path: shown, reason: why });
      else classes.push({ name: d.name, real: t.real });
    } else unused.push({ path: shown, reason: 'not in a class folder' });
  }

  const rows: ImageFolderScan['rows'] = [];
  for (const cls of classes) {
    const images: string[] = [];
    const walk = async (rel: string, real: string): Promise<void> => {
      let entries: Dirent[];
      try {
        entries = await readdir(real, { withFileTypes: true });
      } catch (error) {
        unused.push({
          path: `${rel}/`,
          reason: `unreadable (${(error as NodeJS.ErrnoException).code ?? String(error)})`,
        });
        return;
      }
      for (const d of entries.sort(byName)) {
        const child = `${rel}/${d.name}`;
        if (d.name.startsWith('.')) {
          hidden(d, child, real);
          continue;
        }
        const t = await resolve(d, real);
        const folder = t.kind === 'folder' || (t.kind === 'outside' && t.folder);
        const shown = folder ? `${child}/` : child;
        if (t.kind === 'unused') unused.push({ path: shown, reason: t.reason });
        else if (t.kind === 'outside') {
          if (t.folder || isImage(d.name)) outside.push(child);
          else unused.push({ path: shown, reason: 'not an image (a link outside the root)' });
        } else if (t.kind === 'folder') {
          const why = claim(child, t.real);
          if (why) unused.push({ path: shown, reason: why });
          else await walk(child, t.real);
        } else if (t.kind === 'other') unused.push({ path: shown, reason: 'not a regular file' });
        else if (isImage(d.name)) images.push(child);
        else unused.push({ path: shown, reason: 'not an image' });
      }
    };
    await walk(cls.name, cls.real);
    if (images.length === 0)
      unused.push({ path: `${cls.name}/`, reason: 'a class folder with no images' });
    for (const p of images.sort()) rows.push({ path: p, label: cls.name });
  }

  if (outside.length > 0) {
    const shown = outside.sort().map((p) => `"${p}"`);
    throw new UserError(
      'dataset',
      `${outside.length} link(s) under the dataset root ${root} point outside it: ${shown.slice(0, 8).join(', ')}${shown.length > 8 ? ` and ${shown.length - 8} more` : ''}. Copy the files into dataset.root, or make the root a folder that holds them.`,
    );
  }
  if (classes.length === 0)
    throw new UserError('dataset', `imagefolder: no class folders under ${root}`);
  // A hidden folder that a class folder links into (a store of the real files) is used.
  const readOrAbove = new Set<string>();
  for (const real of read.keys())
    for (
      let p = real;
      p !== realRoot && !readOrAbove.has(p) && p !== path.dirname(p);
      p = path.dirname(p)
    )
      readOrAbove.add(p);
  const reached = new Set(
    [...hiddenFolders].filter(([real]) => readOrAbove.has(real)).map(([, e]) => e),
  );
  return {
    rows,
    unused: unused
      .filter((u) => !reached.has(u))
      .sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0)),
  };
}
