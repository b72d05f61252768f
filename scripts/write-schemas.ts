// Write the published JSON Schemas from the zod schemas they are generated from:
//
//   npx tsx scripts/write-schemas.ts      (npm run schema)
//
// schemas/visiongate.schema.json  <- configSchema (src/config/schema.ts), the *input* shape, so
//                                    keys with defaults are optional as users write them
// schemas/report.schema.json      <- reportSchema (src/report/schema.ts), the shape we write
//
// test/unit/schemas.test.ts fails when a committed file differs from what this script generates.
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import * as prettier from 'prettier';
import { z } from 'zod';
import { configSchema } from '../src/config/schema.js';
import { REPORT_SCHEMA_VERSION, reportSchema } from '../src/report/schema.js';

/** Repository root (this file lives in scripts/). */
export const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

/**
 * `$id`s are stable names, not download locations: the project has no fixed public URL yet, so a
 * URN keeps them honest. Editors find the schema by path (`# yaml-language-server: $schema=...`).
 */
const ID_PREFIX = 'urn:visiongate:schema';

/** The schema files as repo-relative path -> file text, formatted as `prettier --check` wants. */
export async function schemaFiles(): Promise<Record<string, string>> {
  const configJson = z.toJSONSchema(configSchema, { io: 'input' });
  const reportJson = z.toJSONSchema(reportSchema, { io: 'output' });
  // `$schema` first, then our `$id` and title, then the generated body.
  const config = {
    $schema: configJson.$schema,
    $id: `${ID_PREFIX}:config:1`,
    title: 'VisionGate config (visiongate.yml)',
    ...configJson,
  };
  const report = {
    $schema: reportJson.$schema,
    $id: `${ID_PREFIX}:report:${REPORT_SCHEMA_VERSION}`,
    title: `VisionGate report.json (schemaVersion ${REPORT_SCHEMA_VERSION})`,
    ...reportJson,
  };
  const files: Record<string, string> = {
    'schemas/visiongate.schema.json': JSON.stringify(config),
    'schemas/report.schema.json': JSON.stringify(report),
  };
  for (const [rel, json] of Object.entries(files)) {
    const file = path.join(repoRoot, rel);
    const options = (await prettier.resolveConfig(file)) ?? {};
    files[rel] = await prettier.format(json, { ...options, filepath: file });
  }
  return files;
}

async function main(): Promise<void> {
  for (const [rel, text] of Object.entries(await schemaFiles())) {
    const file = path.join(repoRoot, rel);
    await mkdir(path.dirname(file), { recursive: true });
    await writeFile(file, text);
    console.log(`wrote ${rel}`);
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(path.resolve(process.argv[1])).href) {
  await main();
}
