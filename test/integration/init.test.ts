import { readFileSync } from 'node:fs';
import { copyFile, cp, mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse as parseYaml } from 'yaml';
import { parseConfig } from '../../src/config/load.js';
import type { Report } from '../../src/report/schema.js';
import { cli } from '../support/cli.js';

const repo = path.resolve(import.meta.dirname, '../..');
const fixtures = path.join(repo, 'test/fixtures');
const colors = path.join(fixtures, 'datasets/colors');
const MODELS = {
  NCHW: path.join(fixtures, 'models/rgb-nchw-dynamic.onnx'), // float32 [N,3,8,8], classes metadata
  NHWC: path.join(fixtures, 'models/nhwc-uint8.onnx'), // uint8 [N,8,8,3], classes metadata
};
/** The colour head's output order (the models' "classes" metadata). */
const COLOR_CLASSES = ['red', 'green', 'blue', 'dark'];

let tmp: string;
beforeAll(async () => {
  tmp = await mkdtemp(path.join(os.tmpdir(), 'vg-init-'));
});
afterAll(async () => {
  await rm(tmp, { recursive: true, force: true });
});

let counter = 0;
/** A fresh project folder. */
async function project(): Promise<string> {
  const dir = path.join(tmp, `p${counter++}`);
  await mkdir(dir, { recursive: true });
  return dir;
}

/** The 16 colour images with their manifest fields (from the fixture's manifest.csv). */
async function colorRows(): Promise<{ id: string; label: string; camera: string; time: string }[]> {
  const lines = (await readFile(path.join(colors, 'manifest.csv'), 'utf8')).trim().split('\n');
  return lines.slice(1).map((l) => {
    const [id, , label, camera, time] = l.split(',');
    return { id: id!, label: label!, camera: camera!, time: time! };
  });
}

const image = (id: string) => path.join(colors, 'images', `${id}.png`);

/**
 * Every dataset layout VisionGate reads, built from the 16 colour images. Each returns the
 * --dataset argument and the format the run reports.
 */
const LAYOUTS: Record<string, (dir: string) => Promise<{ dataset: string; format: string }>> = {
  async imagefolder(dir) {
    for (const r of await colorRows()) {
      await mkdir(path.join(dir, 'data', r.label), { recursive: true });
      await copyFile(image(r.id), path.join(dir, 'data', r.label, `${r.id}.png`));
    }
    return { dataset: path.join(dir, 'data'), format: 'imagefolder' };
  },
  async csv(dir) {
    // The fixture as it is: manifest.csv, images/, classes.txt.
    await cp(colors, path.join(dir, 'data'), { recursive: true });
    return { dataset: path.join(dir, 'data'), format: 'csv' };
  },
  async tsv(dir) {
    // Other column names (file, class), no id column, no class file.
    await mkdir(path.join(dir, 'data/img'), { recursive: true });
    const lines = ['file\tclass\tcamera\ttime'];
    for (const r of await colorRows()) {
      await copyFile(image(r.id), path.join(dir, 'data/img', `${r.id}.png`));
      lines.push(`img/${r.id}.png\t${r.label}\t${r.camera}\t${r.time}`);
    }
    await writeFile(path.join(dir, 'data/labels.tsv'), `${lines.join('\n')}\n`);
    return { dataset: path.join(dir, 'data/labels.tsv'), format: 'csv' };
  },
  async jsonl(dir) {
    // The manifest in a subfolder, its paths relative to the folder above; an image_id column.
    await mkdir(path.join(dir, 'data/pixels'), { recursive: true });
    await mkdir(path.join(dir, 'data/meta'), { recursive: true });
    const lines: string[] = [];
    for (const r of await colorRows()) {
      await copyFile(image(r.id), path.join(dir, 'data/pixels', `${r.id}.png`));
      lines.push(
        JSON.stringify({
          image_id: r.id,
          image: `pixels/${r.id}.png`,
          category: r.label,
          camera: r.camera,
          time: r.time,
        }),
      );
    }
    await writeFile(path.join(dir, 'data/meta/annotations.jsonl'), `${lines.join('\n')}\n`);
    return { dataset: path.join(dir, 'data/meta/annotations.jsonl'), format: 'jsonl' };
  },
  async 'hf-metadata'(dir) {
    // Hugging Face layout with splits: data/{train,test}/metadata.jsonl with a label field.
    for (const split of ['train', 'test']) {
      const lines: string[] = [];
      for (const r of await colorRows()) {
        await mkdir(path.join(dir, 'data', split, 'images'), { recursive: true });
        await copyFile(image(r.id), path.join(dir, 'data', split, 'images', `${r.id}.png`));
        lines.push(
          JSON.stringify({ file_name: `images/${r.id}.png`, label: r.label, camera: r.camera }),
        );
      }
      await writeFile(path.join(dir, 'data', split, 'metadata.jsonl'), `${lines.join('\n')}\n`);
    }
    return { dataset: path.join(dir, 'data'), format: 'hf-metadata' };
  },
  async 'hf-metadata-folders'(dir) {
    // Hugging Face ImageFolder with metadata: labels from the folders, only file_name + metadata.
    const lines: string[] = [];
    for (const r of await colorRows()) {
      await mkdir(path.join(dir, 'data', r.label), { recursive: true });
      await copyFile(image(r.id), path.join(dir, 'data', r.label, `${r.id}.png`));
      lines.push(JSON.stringify({ file_name: `${r.label}/${r.id}.png`, time: r.time }));
    }
    await writeFile(path.join(dir, 'data/metadata.jsonl'), `${lines.join('\n')}\n`);
    return { dataset: path.join(dir, 'data/metadata.jsonl'), format: 'hf-metadata' };
  },
};

const readReport = async (dir: string) =>
  JSON.parse(await readFile(path.join(dir, 'report.json'), 'utf8')) as Report;

describe('visiongate init on every dataset layout × NCHW and NHWC models, then run as written', () => {
  for (const layout of Object.keys(LAYOUTS))
    for (const [layoutName, model] of Object.entries(MODELS))
      it(`${layout} × ${layoutName}`, async () => {
        const dir = await project();
        const { dataset, format } = await LAYOUTS[layout]!(dir);
        const config = path.join(dir, 'visiongate.yml');
        const init = await cli(['init', '--dataset', dataset, '--model', model, '-c', config]);
        expect(init.stderr).toContain(`wrote`);
        expect(init.code, init.stderr).toBe(0);
        // The config is valid as written.
        expect(() => parseConfig(readFileSync(config, 'utf8'), config)).not.toThrow();

        const out = path.join(dir, 'out');
        const run = await cli(['run', '-c', config, '-o', out, '--quiet']);
        // Runs with no edits: a verdict (0 pass, 1 gate failed), never 2 (bad input) or 3.
        expect([0, 1], run.stderr).toContain(run.code);
        const report = await readReport(out);
        expect(report.dataset.format).toBe(format);
        expect(report.dataset.examples).toBe(16);
        expect(report.models.candidate.input?.layout).toBe(layoutName);
        expect([...report.dataset.classes].sort()).toEqual([...COLOR_CLASSES].sort());
        // The colour models with their own class order classify the colour images correctly: the
        // layout, the columns and the class order were all read right.
        expect(report.overall.candidate.accuracy).toBe(1);
      });
});

/** A project with the colour CSV dataset under data/ and the given model copied to models/. */
async function csvProject(model: string, modelName = 'model.onnx') {
  const dir = await project();
  await cp(colors, path.join(dir, 'data'), { recursive: true });
  await mkdir(path.join(dir, 'models'), { recursive: true });
  await copyFile(model, path.join(dir, 'models', modelName));
  return {
    dir,
    data: path.join(dir, 'data'),
    model: path.join(dir, 'models', modelName),
    config: path.join(dir, 'visiongate.yml'),
  };
}

const NO_METADATA = path.join(fixtures, 'models/rgb-nchw-fixed1.onnx'); // colour head, no classes
const ANY_SIZE = path.join(fixtures, 'models/nhwc-float-anysize.onnx'); // NHWC float, any size, no classes

/** `fn` with the project as the working folder (the summary names paths relative to it). */
async function inside<T>(dir: string, fn: () => Promise<T>): Promise<T> {
  const before = process.cwd();
  process.chdir(dir);
  try {
    return await fn();
  } finally {
    process.chdir(before);
  }
}

async function initAndRun(args: string[], config: string) {
  const init = await inside(path.dirname(config), () => cli(['init', ...args, '-c', config]));
  expect(init.code, init.stderr).toBe(0);
  const text = await readFile(config, 'utf8');
  const out = path.join(path.dirname(config), 'out');
  const run = await cli(['run', '-c', config, '-o', out, '--quiet']);
  expect([0, 1], run.stderr).toContain(run.code);
  return {
    init,
    text,
    // eslint-disable-next-line @typescript-eslint/no-explicit-any -- the config as read back, probed by key
    yaml: parseYaml(text) as Record<string, any>,
    report: await readReport(out),
  };
}

describe('init never overwrites without --force', () => {
  it('refuses an existing config (exit 2, file untouched), --force replaces it', async () => {
    const p = await csvProject(MODELS.NCHW);
    await writeFile(p.config, '# mine\n');
    const refused = await cli(['init', '--dataset', p.data, '--model', p.model, '-c', p.config]);
    expect(refused.code).toBe(2);
    expect(refused.stderr).toContain('visiongate.yml already exists: init never overwrites a file');
    expect(refused.stderr).toContain('--force');
    expect(await readFile(p.config, 'utf8')).toBe('# mine\n');

    const forced = await cli([
      'init',
      '--dataset',
      p.data,
      '--model',
      p.model,
      '-c',
      p.config,
      '--force',
    ]);
    expect(forced.code, forced.stderr).toBe(0);
    expect(await readFile(p.config, 'utf8')).toContain('VisionGate config written by');
  });

  it('refuses when a workflow file exists, before writing anything', async () => {
    const p = await csvProject(MODELS.NCHW);
    await mkdir(path.join(p.dir, '.git'));
    await mkdir(path.join(p.dir, '.github/workflows'), { recursive: true });
    await writeFile(path.join(p.dir, '.github/workflows/visiongate-pr.yml'), 'name: mine\n');
    const refused = await cli([
      'init',
      '--dataset',
      p.data,
      '--model',
      p.model,
      '-c',
      p.config,
      '--workflows',
    ]);
    expect(refused.code).toBe(2);
    expect(refused.stderr).toContain('visiongate-pr.yml already exists');
    // Not even the config was written.
    await expect(readFile(p.config, 'utf8')).rejects.toThrow();
  });
});

describe('init --workflows', () => {
  const action = parseYaml(readFileSync(path.join(repo, 'action.yml'), 'utf8')) as {
    inputs: Record<string, unknown>;
  };

  it('writes the PR, baseline and nightly workflows with minimal permissions and real Action inputs', async () => {
    const p = await csvProject(MODELS.NCHW);
    await mkdir(path.join(p.dir, '.git')); // the repository root
    const config = path.join(p.dir, 'ci/visiongate.yml'); // the config in a subfolder
    const init = await cli([
      'init',
      '--dataset',
      p.data,
      '--model',
      p.model,
      '-c',
      config,
      '--workflows',
    ]);
    expect(init.code, init.stderr).toBe(0);
    const dir = path.join(p.dir, '.github/workflows');
    const files = Object.fromEntries(
      await Promise.all(
        ['pr', 'baseline', 'nightly'].map(
          async (w) =>
            [
              w,
              parseYaml(await readFile(path.join(dir, `visiongate-${w}.yml`), 'utf8')) as Workflow,
            ] as const,
        ),
      ),
    );
    // docs/github.md, "Permissions": the minimal set per mode.
    expect(files.pr!.permissions).toEqual({
      contents: 'read',
      checks: 'write',
      'pull-requests': 'write',
    });
    expect(files.baseline!.permissions).toEqual({ contents: 'write', checks: 'write' });
    expect(files.nightly!.permissions).toEqual({
      contents: 'write',
      checks: 'write',
      issues: 'write',
    });
    for (const [name, wf] of Object.entries(files)) {
      const steps = Object.values(wf.jobs).flatMap((j) => j.steps);
      const ours = steps.filter((s) => s.uses?.startsWith('visiongate/visiongate@'));
      expect(ours.length, name).toBe(1);
      for (const step of ours) {
        // Every input given is one the Action declares.
        for (const key of Object.keys(step.with ?? {}))
          expect(Object.keys(action.inputs), `${name}: ${key}`).toContain(key);
        // The config path is relative to the repository root, where the Action runs.
        expect(step.with?.config).toBe('ci/visiongate.yml');
      }
    }
    const key = parseConfig(readFileSync(config, 'utf8'), config).config.name;
    const pr = files.pr!.jobs.visiongate!.steps.find((s) => s.uses?.startsWith('visiongate/'))!;
    expect(pr.with?.key).toBe(key);
    // The PR change filter watches the model folder, the data and the config.
    const diff = files.pr!.jobs.visiongate!.steps.find((s) => s.id === 'changed')!.run!;
    expect(diff).toContain('-- models/ data/ ci/visiongate.yml;');
  });
});

interface Workflow {
  permissions: Record<string, string>;
  jobs: Record<
    string,
    { steps: { uses?: string; id?: string; run?: string; with?: Record<string, unknown> }[] }
  >;
}

describe('init: where class names come from', () => {
  it('the model metadata: not written, since the run reads it', async () => {
    const p = await csvProject(MODELS.NCHW);
    const r = await initAndRun(['--dataset', p.data, '--model', p.model], p.config);
    expect(r.init.stderr).toContain('4 from ONNX metadata "classes": red, green, blue, dark');
    expect(r.init.stderr).toContain('the same list in');
    expect(r.yaml.dataset.classes).toBeUndefined();
    expect(r.report.dataset.classSource).toBe('model metadata "classes"');
  });

  it("a Hugging Face config.json's id2label next to a model without metadata", async () => {
    const p = await csvProject(NO_METADATA);
    await rm(path.join(p.data, 'classes.txt'));
    await writeFile(
      path.join(p.dir, 'models/config.json'),
      JSON.stringify({ id2label: { '0': 'red', '1': 'green', '2': 'blue', '3': 'dark' } }),
    );
    const r = await initAndRun(['--dataset', p.data, '--model', p.model], p.config);
    expect(r.init.stderr).toContain('4 from models/config.json (id2label)');
    expect(r.yaml.dataset.classes).toBe('models/config.json');
    expect(r.report.overall.candidate.accuracy).toBe(1);
  });

  it('a classes.json next to the model', async () => {
    const p = await csvProject(NO_METADATA);
    await rm(path.join(p.data, 'classes.txt'));
    await writeFile(path.join(p.dir, 'models/classes.json'), JSON.stringify(COLOR_CLASSES));
    const r = await initAndRun(['--dataset', p.data, '--model', p.model], p.config);
    expect(r.yaml.dataset.classes).toBe('models/classes.json');
    expect(r.report.overall.candidate.accuracy).toBe(1);
  });

  it('a classes.txt next to the dataset', async () => {
    const p = await csvProject(NO_METADATA);
    const r = await initAndRun(['--dataset', p.data, '--model', p.model], p.config);
    expect(r.yaml.dataset.classes).toBe('data/classes.txt');
    expect(r.report.overall.candidate.accuracy).toBe(1);
  });

  it('ImageFolder folder names (sorted, as torchvision): the run default, so not written', async () => {
    const dir = await project();
    const { dataset } = await LAYOUTS.imagefolder!(dir);
    const config = path.join(dir, 'visiongate.yml');
    const r = await initAndRun(['--dataset', dataset, '--model', ANY_SIZE], config);
    expect(r.init.stderr).toContain(
      '4 from the ImageFolder class folders (sorted): blue, dark, green, red',
    );
    expect(r.yaml.dataset.classes).toBeUndefined();
    expect(r.report.dataset.classes).toEqual(['blue', 'dark', 'green', 'red']);
    // The model's input size is dynamic: assumed, and said so.
    expect(r.init.stderr).toContain('! model.input.size: assumed 224×224');
    expect(r.yaml.model.input.size).toBe(224);
  });

  it('no list anywhere: the sorted labels, written out and marked CHECK', async () => {
    const dir = await project();
    const { dataset } = await LAYOUTS.tsv!(dir);
    const config = path.join(dir, 'visiongate.yml');
    const r = await initAndRun(['--dataset', dataset, '--model', NO_METADATA], config);
    expect(r.yaml.dataset.classes).toEqual(['blue', 'dark', 'green', 'red']);
    expect(r.text).toContain('# CHECK: Class names in model output order');
    expect(r.init.stderr).toContain('no class list was found: the labels were sorted');
    expect(r.yaml.dataset.columns).toEqual({ path: 'file', label: 'class' });
  });
});

describe('init: lists that disagree, and counts against the model', () => {
  it('a class file in another order than the model metadata is named', async () => {
    const p = await csvProject(MODELS.NCHW);
    await writeFile(path.join(p.data, 'classes.txt'), 'green\nred\nblue\ndark\n');
    const r = await initAndRun(['--dataset', p.data, '--model', p.model], p.config);
    expect(r.init.stderr).toContain(
      'data/classes.txt disagrees with the list used: the same names in another order (position 0: "green" instead of "red")',
    );
    expect(r.text).toContain('# Note: data/classes.txt disagrees');
  });

  it('a list whose length is not the model output size is not used, and says why', async () => {
    const p = await csvProject(MODELS.NCHW);
    await writeFile(path.join(p.dir, 'models/classes.txt'), 'red\ngreen\nblue\n');
    const r = await initAndRun(['--dataset', p.data, '--model', p.model], p.config);
    expect(r.init.stderr).toContain(
      'models/classes.txt was not used: 3 names, but the model has 4 outputs',
    );
  });

  it('no list fits (2 outputs, 4 labels): exit 2 naming every list and the model', async () => {
    const p = await csvProject(path.join(fixtures, 'models/gray-nchw.onnx'));
    const r = await cli(['init', '--dataset', p.data, '--model', p.model, '-c', p.config]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(
      'no class list fits the model and the data. The model has 2 outputs',
    );
    expect(r.stderr).toContain(
      'ONNX metadata "classes": does not name the labels "red", "green", "blue"',
    );
    expect(r.stderr).toContain('classes.txt: 4 names, but the model has 2 outputs');
    await expect(readFile(p.config, 'utf8')).rejects.toThrow();
  });
});

describe('init: preprocessing', () => {
  it('a preprocessor_config.json next to the model sets normalisation and resize; nothing to CHECK there', async () => {
    const p = await csvProject(MODELS.NCHW);
    await writeFile(
      path.join(p.dir, 'models/preprocessor_config.json'),
      JSON.stringify({
        do_normalize: true,
        image_mean: [0.5, 0.5, 0.5],
        image_std: [0.5, 0.5, 0.5],
        do_rescale: true,
        rescale_factor: 1 / 255,
        do_resize: true,
        size: { height: 8, width: 8 },
        resample: 3,
      }),
    );
    const r = await initAndRun(['--dataset', p.data, '--model', p.model], p.config);
    expect(r.yaml.model.input.mean).toEqual([0.5, 0.5, 0.5]);
    expect(r.yaml.model.input.std).toEqual([0.5, 0.5, 0.5]);
    expect(r.yaml.model.input.resize).toEqual({
      mode: 'stretch',
      library: 'pillow',
      interpolation: 'bicubic',
    });
    expect(r.init.stderr).toContain(
      'normalisation from models/preprocessor_config.json (rescale_factor, image_mean, image_std)',
    );
    expect(r.init.stderr).not.toContain('model.input.mean / std: assumed');
    expect(r.init.stderr).not.toContain('model.input.resize: assumed');
  });

  it('without hints, the assumed normalisation and resize are said in the summary and the file', async () => {
    const p = await csvProject(MODELS.NCHW);
    const r = await initAndRun(['--dataset', p.data, '--model', p.model], p.config);
    expect(r.init.stderr).toContain(
      "! model.input.mean / std: assumed x/255 with mean 0 and std 1; set them to the model's training normalisation",
    );
    expect(r.init.stderr).toContain('! model.input.resize: assumed a plain resize to 8×8');
    expect(r.text).toContain('# CHECK: normalisation assumed x/255 with mean 0 and std 1');
    expect(r.yaml.model.input.mean).toBe(0);
    expect(r.yaml.model.input.std).toBe(1);
  });

  it('a uint8 model gets no normalisation; a baseline with another input gets its own settings', async () => {
    const p = await csvProject(MODELS.NCHW);
    const r = await initAndRun(
      ['--dataset', p.data, '--model', p.model, '--baseline', MODELS.NHWC],
      p.config,
    );
    expect(r.yaml.baseline.model).toBe(path.relative(p.dir, MODELS.NHWC));
    expect(r.yaml.baseline.input.mean).toBeUndefined();
    expect(r.yaml.model.input.mean).toBe(0);
    expect(r.report.models.baseline?.input?.layout).toBe('NHWC');
    expect(r.report.overall.baseline?.accuracy).toBe(1);
  });
});

describe('init: unusable input is exit 2 with what to change', () => {
  it('a model that does not exist', async () => {
    const p = await csvProject(MODELS.NCHW);
    const r = await cli(['init', '--dataset', p.data, '--model', 'nope.onnx', '-c', p.config]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('nope.onnx: file not found');
  });

  it('a model VisionGate cannot feed (two image inputs)', async () => {
    const p = await csvProject(path.join(fixtures, 'models/two-inputs.onnx'));
    const r = await cli(['init', '--dataset', p.data, '--model', p.model, '-c', p.config]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('the model has 2 inputs');
  });

  it('a folder without a dataset, and no --dataset where none is found', async () => {
    const dir = await project();
    await writeFile(path.join(dir, 'notes.txt'), 'x');
    const given = await cli([
      'init',
      '--dataset',
      dir,
      '--model',
      MODELS.NCHW,
      '-c',
      path.join(dir, 'v.yml'),
    ]);
    expect(given.code).toBe(2);
    expect(given.stderr).toContain('no dataset found');
    const searched = await cli(['init', '--model', MODELS.NCHW, '-c', path.join(dir, 'v.yml')]);
    expect(searched.code).toBe(2);
    expect(searched.stderr).toContain('give --dataset DIR');
  });

  it('a manifest with absolute image paths', async () => {
    const dir = await project();
    await writeFile(
      path.join(dir, 'm.csv'),
      `path,label\n${path.join(colors, 'images/red-0.png')},red\n`,
    );
    const r = await cli([
      'init',
      '--dataset',
      path.join(dir, 'm.csv'),
      '--model',
      MODELS.NCHW,
      '-c',
      path.join(dir, 'v.yml'),
    ]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('image paths are absolute');
  });

  it('split folders: evaluates "test" and offers the train split for the leakage check', async () => {
    const dir = await project();
    const { dataset } = await LAYOUTS['hf-metadata']!(dir);
    const r = await initAndRun(
      ['--dataset', dataset, '--model', MODELS.NCHW],
      path.join(dir, 'v.yml'),
    );
    expect(r.init.stderr).toContain('split folders test, train: evaluating "test"');
    expect(r.yaml.dataset.root).toBe('data/test');
    expect(r.text).toContain(
      '# trainManifest: data/train/metadata.jsonl  # train/test leakage against the train split',
    );
  });

  it('finds data/ next to the config when --dataset is not given', async () => {
    const p = await csvProject(MODELS.NCHW);
    const r = await initAndRun(['--model', p.model], p.config);
    expect(r.yaml.dataset.manifest).toBe('data/manifest.csv');
  });
});
