import { mkdir, readdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { markdownTable } from 'markdown-table';
import type { Bench } from './harness.js';

const here = path.dirname(fileURLToPath(import.meta.url));
const args = process.argv.slice(2);
const quick = args.includes('--quick');
const wanted = args.filter((a) => !a.startsWith('--'));

const files = (await readdir(here)).filter((f) => f.endsWith('.bench.ts')).sort();
const resultsDir = path.join(here, 'results');
await mkdir(resultsDir, { recursive: true });
let ran = 0;
for (const file of files) {
  const name = file.replace(/\.bench\.ts$/, '');
  if (wanted.length > 0 && !wanted.includes(name)) continue;
  const bench = ((await import(path.join(here, file))) as { default: Bench }).default;
  console.log(`\n## ${bench.name}\n\n${bench.description}\n`);
  const result = await bench.run({ quick });
  const first = result.rows[0];
  if (first) {
    const header = Object.keys(first);
    console.log(
      markdownTable([header, ...result.rows.map((r) => header.map((h) => String(r[h] ?? '')))]),
    );
  }
  for (const note of result.notes ?? []) console.log(`\n${note}`);
  await writeFile(
    path.join(resultsDir, `${name}.json`),
    JSON.stringify(
      { name: bench.name, date: new Date().toISOString(), node: process.version, ...result },
      null,
      2,
    ),
  );
  ran++;
}
if (ran === 0) {
  console.error(
    `No benchmark matched ${wanted.join(', ')}. Available: ${files.map((f) => f.replace(/\.bench\.ts$/, '')).join(', ')}`,
  );
  process.exit(2);
}
