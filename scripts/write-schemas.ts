// Write the published JSON Schemas from the zod schemas they are generated from:
//
//   npx tsx scripts/write-schemas.ts      (npm run schema)
//
// schemas/visiongate.schema.json  <- configSchema (src/config/schema.ts), the *input* shape, so
//                                    keys with defaults are optional as users write them
// schemas/report.schema.json      <- reportSchema (src/report/schema.ts), the shape we write
// docs/config-reference.md        <- configSchema, as a table
// docs/workflows/{pr,baseline,nightly}.yml <- the templates `visiongate init --workflows` writes
//                                    (src/init/workflows.ts), so the two cannot drift apart
//
// test/unit/schemas.test.ts fails when a committed file differs from what this script generates.
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import * as prettier from 'prettier';
import { z } from 'zod';
import { configSchema } from '../src/config/schema.js';
import { DOCS_WORKFLOW_OPTIONS, workflowFiles } from '../src/init/workflows.js';
import { REPORT_SCHEMA_VERSION, reportSchema } from '../src/report/schema.js';

/** Repository root (this file lives in scripts/). */
export const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

/**
 * `$id`s are stable names, not download locations: the project has no fixed public URL yet, so a
 * URN keeps them honest. Editors find the schema by path (`# yaml-language-server: $schema=...`).
 */
const ID_PREFIX = 'urn:visiongate:schema';

/** The generated files (JSON Schemas, the config reference, the documented workflows) as repo-relative path -> text. */
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
    'docs/config-reference.md': configReference(configJson as JsonSchema),
  };
  for (const [rel, json] of Object.entries(files)) {
    const file = path.join(repoRoot, rel);
    const options = (await prettier.resolveConfig(file)) ?? {};
    files[rel] = await prettier.format(json, { ...options, filepath: file });
  }
  // Not reformatted: these must equal what init writes byte for byte (format:check keeps the
  // templates prettier-clean).
  const workflows = workflowFiles(DOCS_WORKFLOW_OPTIONS);
  for (const [name, text] of Object.entries(workflows)) files[`docs/workflows/${name}.yml`] = text;
  return files;
}

interface JsonSchema {
  type?: string | string[];
  description?: string;
  default?: unknown;
  enum?: unknown[];
  const?: unknown;
  anyOf?: JsonSchema[];
  items?: JsonSchema | JsonSchema[];
  prefixItems?: JsonSchema[];
  properties?: Record<string, JsonSchema>;
  required?: string[];
  minimum?: number;
  maximum?: number;
  exclusiveMinimum?: number;
  exclusiveMaximum?: number;
  pattern?: string;
  additionalProperties?: JsonSchema | boolean;
}

/** A short type description of a JSON Schema node. */
function typeOf(node: JsonSchema): string {
  if (node.enum) return node.enum.map((v) => `\`${String(v)}\``).join(' | ');
  if (node.const !== undefined) return `\`${JSON.stringify(node.const)}\``;
  if (node.anyOf) return node.anyOf.map(typeOf).join(' or ');
  if (node.type === 'array' && node.prefixItems)
    return `[${node.prefixItems.map(typeOf).join(', ')}]`;
  if (node.type === 'array') {
    const items = Array.isArray(node.items)
      ? `[${node.items.map(typeOf).join(', ')}]`
      : node.items
        ? typeOf(node.items)
        : 'any';
    return Array.isArray(node.items) ? items : `list of ${items}`;
  }
  const t = Array.isArray(node.type)
    ? node.type.join('/')
    : (node.type ?? (node.properties ? 'object' : 'any'));
  const range: string[] = [];
  if (node.minimum !== undefined) range.push(`≥ ${node.minimum}`);
  if (node.exclusiveMinimum !== undefined) range.push(`> ${node.exclusiveMinimum}`);
  if (node.maximum !== undefined && node.maximum < Number.MAX_SAFE_INTEGER)
    range.push(`≤ ${node.maximum}`);
  if (node.exclusiveMaximum !== undefined) range.push(`< ${node.exclusiveMaximum}`);
  return range.length ? `${t} (${range.join(', ')})` : t;
}

const cell = (s: string) => s.replace(/\|/g, '\\|').replace(/\n/g, ' ');

/** Every key of the config schema as a markdown table, generated so it cannot drift. */
function configReference(schema: JsonSchema): string {
  const rows: string[][] = [];
  const walk = (node: JsonSchema, prefix: string, required: boolean) => {
    const props =
      node.properties ??
      (node.type === 'array' && node.items && !Array.isArray(node.items)
        ? node.items.properties
        : undefined);
    if (prefix) {
      const def =
        node.default === undefined
          ? required
            ? 'required'
            : ''
          : `\`${JSON.stringify(node.default)}\``;
      rows.push([
        `\`${prefix}\``,
        cell(props ? (node.type === 'array' ? 'list of objects' : 'object') : typeOf(node)),
        cell(def),
        cell(node.description ?? ''),
      ]);
    }
    if (!props) return;
    const req = new Set(
      node.required ??
        (node.type === 'array' && node.items && !Array.isArray(node.items)
          ? node.items.required
          : []) ??
        [],
    );
    for (const [key, child] of Object.entries(props)) {
      walk(
        child,
        prefix ? `${prefix}${node.type === 'array' ? '[].' : '.'}${key}` : key,
        req.has(key),
      );
    }
  };
  walk(schema, '', true);
  return [
    '# visiongate.yml reference',
    '',
    '<!-- Generated by scripts/write-schemas.ts from src/config/schema.ts (npm run schema). Do not edit. -->',
    '',
    'Paths are relative to the config file. Every key is checked; an unknown key or a bad value is',
    'reported with its line. The same information is in schemas/visiongate.schema.json for editors.',
    '',
    '| key | type | default | meaning |',
    '| --- | --- | --- | --- |',
    ...rows.map((r) => `| ${r.join(' | ')} |`),
    '',
  ].join('\n');
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
