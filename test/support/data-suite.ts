/**
 * The data suite on image files, as a run gives it its input: the engine's scans of the
 * evaluation, training and reference images (engine/image-scan.ts), then the pure suite.
 */
import { scanImageFiles } from '../../src/engine/image-scan.js';
import {
  dataScanSettings,
  dataSuiteConfigSchema,
  runDataSuite,
  type DataSuiteConfigInput,
  type DataSuiteInput,
} from '../../src/suites/data/index.js';

/** Scan the input's images with the config's settings (4 at a time) and run the suite. */
export async function runDataSuiteOnFiles(
  input: Omit<DataSuiteInput, 'scans'>,
  config: DataSuiteConfigInput = {},
): Promise<ReturnType<typeof runDataSuite>> {
  const cfg = dataSuiteConfigSchema.parse(config);
  const settings = dataScanSettings(cfg);
  const scan = (items: DataSuiteInput['train']) =>
    items ? scanImageFiles(items, settings, 4) : Promise.resolve(undefined);
  const [examples, train, reference] = await Promise.all([
    scan(input.examples),
    scan(input.train),
    scan(input.reference),
  ]);
  return runDataSuite(
    {
      ...input,
      scans: {
        ...(examples ? { examples } : {}),
        ...(train ? { train } : {}),
        ...(reference ? { reference } : {}),
      },
    },
    cfg,
  );
}
