import { randomBytes } from 'node:crypto';
import { mkdir, readdir, realpath, rename, rm, rmdir, stat } from 'node:fs/promises';
import path from 'node:path';
import { UserError } from '../errors.js';
import { RESULT_FILES } from './results.js';

/**
 * The output folder's life: checked before the evaluation (so a bad `--out` costs nothing), then
 * replaced as a whole. A failed run never leaves an older report looking current, and a crash
 * while writing leaves either the old folder or the new one, complete.
 */
export interface OutputDir {
  /** Absolute path of the folder as given (a link to a folder stays a link). */
  dir: string;
  /**
   * `swap`: the files are written into a new sibling folder, which is then renamed into place.
   * `in-place`: the folder itself cannot be renamed (a mount point, e.g. a container volume, or
   * the current folder): report.json is removed first, the files are replaced one by one, and
   * report.json is written last.
   */
  mode: 'swap' | 'in-place';
}

const OURS = new Set<string>(Object.values(RESULT_FILES));
/** A name VisionGate writes, or the leftover of an interrupted `<name>.<pid>.tmp` write. */
const isOurs = (name: string) => OURS.has(name) || OURS.has(name.replace(/\.\d+\.tmp$/, ''));

const below = (parent: string, child: string) => {
  const rel = path.relative(parent, child);
  return rel !== '' && rel !== '..' && !rel.startsWith(`..${path.sep}`) && !path.isAbsolute(rel);
};

/** The real path of `p`, following links in its longest existing prefix. */
async function realPathOf(p: string): Promise<string> {
  const rest: string[] = [];
  for (let at = p; ; at = path.dirname(at)) {
    try {
      return path.join(await realpath(at), ...rest.reverse());
    } catch {
      if (path.dirname(at) === at) return p;
      rest.push(path.basename(at));
    }
  }
}

const why = (error: unknown) => {
  const code = (error as NodeJS.ErrnoException).code;
  if (code === 'EACCES' || code === 'EPERM') return 'permission denied';
  if (code === 'EROFS') return 'a read-only file system';
  return code ?? String(error);
};

/**
 * Check that `dir` can take VisionGate's outputs, creating the folders above it: it must be a
 * folder or not exist yet, not lie below a file, be writable, and hold nothing but VisionGate's
 * own files (the whole folder is replaced, so anything else in it would be lost). `inputs` are
 * folders the run reads (merge's shard folders): the output may neither be one of them, nor lie
 * inside one, nor hold one. Throws a {@link UserError} saying what to change.
 */
export async function checkOutputDir(
  dir: string,
  options: { inputs?: readonly string[] } = {},
): Promise<OutputDir> {
  const abs = path.resolve(dir);
  const real = await realPathOf(abs);
  for (const input of options.inputs ?? []) {
    const inReal = await realPathOf(path.resolve(input));
    if (real === inReal || below(inReal, real))
      throw new UserError(
        'usage',
        `the output folder ${dir} is ${real === inReal ? '' : 'inside '}the shard folder ${input}, which merge reads: write the merged report to another folder`,
      );
    if (below(real, inReal))
      throw new UserError(
        'usage',
        `the output folder ${dir} holds the shard folder ${input}, which merge reads (the output folder is replaced as a whole): write the merged report to another folder`,
      );
  }
  let exists = false;
  try {
    const s = await stat(real);
    if (!s.isDirectory())
      throw new UserError(
        'usage',
        `the output folder ${dir} is a file, not a folder: give a folder`,
      );
    exists = true;
  } catch (error) {
    if (error instanceof UserError) throw error;
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOTDIR')
      throw new UserError('usage', `the output folder ${dir} lies below a file: give a folder`);
    if (code !== 'ENOENT')
      throw new UserError('usage', `cannot use the output folder ${dir}: ${why(error)}`);
  }
  const parent = path.dirname(real);
  if (exists) {
    const foreign = (await readdir(real)).filter((n) => !isOurs(n)).sort();
    if (foreign.length > 0)
      throw new UserError(
        'usage',
        `the output folder ${dir} holds files VisionGate did not write (${foreign
          .slice(0, 5)
          .map((n) => `"${n}"`)
          .join(
            ', ',
          )}${foreign.length > 5 ? `, and ${foreign.length - 5} more` : ''}); each run replaces the whole folder, so give a new or empty folder, or one VisionGate wrote`,
      );
  } else {
    try {
      await mkdir(parent, { recursive: true });
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      throw new UserError(
        'usage',
        code === 'ENOTDIR' || code === 'EEXIST'
          ? `the output folder ${dir} lies below a file: give a folder`
          : `cannot create the output folder ${dir}: ${why(error)}`,
      );
    }
  }
  // A folder that is a mount point (another device than its parent), the file system root or
  // the current folder cannot be renamed away: its files are replaced in place.
  const inPlace =
    exists &&
    (parent === real ||
      real === (await realPathOf(process.cwd())) ||
      (await stat(real)).dev !== (await stat(parent)).dev);
  // Writable? Make (and remove) what the write will make: a sibling folder, or a file inside.
  const probe = path.join(
    inPlace ? real : parent,
    `.${path.basename(real)}.visiongate-check-${token()}`,
  );
  try {
    await mkdir(probe);
    await rmdir(probe);
  } catch (error) {
    throw new UserError(
      'usage',
      `cannot write the output folder ${dir}: ${why(error)} in ${inPlace ? real : parent}`,
    );
  }
  return { dir: abs, mode: inPlace ? 'in-place' : 'swap' };
}

function token(): string {
  return `${process.pid}-${randomBytes(4).toString('hex')}`;
}

/**
 * Replace the folder's contents with what `write` writes into the folder it is given. `swap`:
 * a new sibling folder is written, the old folder renamed away, the new one renamed in, the old
 * one removed; if `write` fails the old folder is untouched. `in-place`: report.json goes first,
 * so a failed write never leaves the previous report looking current.
 */
export async function replaceOutputDir(
  out: OutputDir,
  write: (into: string) => Promise<void>,
): Promise<void> {
  const real = await realPathOf(out.dir);
  if (out.mode === 'in-place') {
    await rm(path.join(real, RESULT_FILES.report), { force: true });
    await write(real);
    return;
  }
  const parent = path.dirname(real);
  const base = path.basename(real);
  const fresh = path.join(parent, `.${base}.visiongate-new-${token()}`);
  await mkdir(fresh);
  try {
    await write(fresh);
  } catch (error) {
    await rm(fresh, { recursive: true, force: true });
    throw error;
  }
  const old = path.join(parent, `.${base}.visiongate-old-${token()}`);
  let moved = false;
  try {
    await rename(real, old);
    moved = true;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') {
      await rm(fresh, { recursive: true, force: true });
      throw error;
    }
  }
  try {
    await rename(fresh, real);
  } catch (error) {
    if (moved) await rename(old, real).catch(() => undefined);
    await rm(fresh, { recursive: true, force: true });
    throw error;
  }
  if (moved) await rm(old, { recursive: true, force: true });
}
