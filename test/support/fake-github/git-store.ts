/**
 * A tiny content-addressed git object store (blobs, trees, commits) with the operations the git
 * data API exposes: create objects, build a tree from a base tree plus path entries (nested
 * paths create sub-trees, `sha: null` deletes), walk paths, and find a merge base.
 * Blob ids are real git ids (sha1 of `blob <len>\0<bytes>`); tree and commit ids hash a canonical
 * form, which is enough for a fake: ids are stable, distinct and 40 hex digits.
 */
import { createHash } from 'node:crypto';

export interface TreeEntry {
  /** One path segment (a name inside its parent tree). */
  path: string;
  mode: '100644' | '100755' | '040000' | '160000' | '120000';
  type: 'blob' | 'tree' | 'commit';
  sha: string;
}

export interface GitCommit {
  sha: string;
  tree: string;
  parents: string[];
  message: string;
  author: { name: string; email: string; date: string };
  committer: { name: string; email: string; date: string };
}

/** One entry of a create-tree request (path may contain slashes). */
export interface TreeChange {
  path: string;
  mode: TreeEntry['mode'];
  type: TreeEntry['type'];
  /** `null` deletes the path; `undefined` means `content` is given instead. */
  sha?: string | null;
  content?: string;
}

export class GitStore {
  readonly blobs = new Map<string, Buffer>();
  readonly trees = new Map<string, TreeEntry[]>();
  readonly commits = new Map<string, GitCommit>();

  constructor() {
    this.putTree([]);
  }

  putBlob(bytes: Buffer): string {
    const sha = createHash('sha1').update(`blob ${bytes.length}\0`).update(bytes).digest('hex');
    this.blobs.set(sha, bytes);
    return sha;
  }

  putTree(entries: TreeEntry[]): string {
    const sorted = [...entries].sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
    const sha = createHash('sha1')
      .update('tree\0' + sorted.map((e) => `${e.mode} ${e.type} ${e.sha}\t${e.path}`).join('\n'))
      .digest('hex');
    this.trees.set(sha, sorted);
    return sha;
  }

  putCommit(input: Omit<GitCommit, 'sha'>): string {
    const sha = createHash('sha1')
      .update('commit\0' + JSON.stringify(input))
      .digest('hex');
    this.commits.set(sha, { sha, ...input });
    return sha;
  }

  /**
   * Apply create-tree changes to `baseTree` (or an empty tree). Returns the new root tree id, or
   * an error message like GitHub's 422 when an entry refers to a missing object.
   */
  buildTree(baseTree: string | undefined, changes: TreeChange[]): string | { error: string } {
    const base = baseTree === undefined ? [] : (this.trees.get(baseTree) ?? null);
    if (base === null) return { error: 'base_tree is not a valid tree oid' };
    // Group changes by first path segment and recurse.
    const apply = (entries: TreeEntry[], list: TreeChange[]): string | { error: string } => {
      const byName = new Map<string, TreeEntry>(entries.map((e) => [e.path, e]));
      const nested = new Map<string, TreeChange[]>();
      for (const change of list) {
        const slash = change.path.indexOf('/');
        if (slash >= 0) {
          const head = change.path.slice(0, slash);
          const rest = { ...change, path: change.path.slice(slash + 1) };
          nested.set(head, [...(nested.get(head) ?? []), rest]);
          continue;
        }
        if (change.sha === null) {
          byName.delete(change.path);
          continue;
        }
        let sha = change.sha;
        if (sha === undefined) {
          if (change.content === undefined) return { error: 'tree.sha or tree.content required' };
          sha = this.putBlob(Buffer.from(change.content, 'utf8'));
        }
        const exists =
          change.type === 'blob'
            ? this.blobs.has(sha)
            : change.type === 'tree'
              ? this.trees.has(sha)
              : true;
        if (!exists) return { error: `Invalid tree info: ${change.path} (${sha}) does not exist` };
        byName.set(change.path, { path: change.path, mode: change.mode, type: change.type, sha });
      }
      for (const [name, list2] of nested) {
        const existing = byName.get(name);
        const childEntries =
          existing && existing.type === 'tree' ? (this.trees.get(existing.sha) ?? []) : [];
        const child = apply(childEntries, list2);
        if (typeof child !== 'string') return child;
        if ((this.trees.get(child) ?? []).length === 0) byName.delete(name);
        else byName.set(name, { path: name, mode: '040000', type: 'tree', sha: child });
      }
      return this.putTree([...byName.values()]);
    };
    return apply(base, changes);
  }

  /** Walk `path` (slash-separated, '' for the root) from a root tree. */
  lookup(
    treeSha: string,
    path: string,
  ): TreeEntry | { type: 'tree'; sha: string; path: '' } | undefined {
    const parts = path.split('/').filter((p) => p !== '');
    if (parts.length === 0) return { type: 'tree', sha: treeSha, path: '' };
    let entries = this.trees.get(treeSha);
    let found: TreeEntry | undefined;
    for (const part of parts) {
      if (!entries) return undefined;
      found = entries.find((e) => e.path === part);
      if (!found) return undefined;
      entries = found.type === 'tree' ? this.trees.get(found.sha) : undefined;
    }
    return found;
  }

  /** All ancestors of a commit (including itself), nearest first (breadth-first). */
  ancestors(sha: string): string[] {
    const seen = new Set<string>();
    const order: string[] = [];
    const queue = [sha];
    while (queue.length > 0) {
      const cur = queue.shift()!;
      if (seen.has(cur)) continue;
      seen.add(cur);
      order.push(cur);
      for (const p of this.commits.get(cur)?.parents ?? []) queue.push(p);
    }
    return order;
  }

  /** A best common ancestor: the first ancestor of `head` (nearest first) that `base` reaches. */
  mergeBase(base: string, head: string): string | undefined {
    const fromBase = new Set(this.ancestors(base));
    return this.ancestors(head).find((sha) => fromBase.has(sha));
  }
}
