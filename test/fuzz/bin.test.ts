import { it } from 'vitest';
import { checkCases } from '../support/fuzz/property.js';
import { propertyTimeout } from '../support/fuzz/settings.js';

// A process per call (~0.5 s of start-up each), so a few cases: the bundle must behave as the
// source does, above all in what it writes to a log (escaping is the easiest thing to lose).
it(
  'the shipped CLI (bin, bundled dist/): exit 0/1/2, safe log lines, whole outputs or none',
  async () => {
    await checkCases('bin', import.meta.filename, 10, {
      via: 'bin',
      faults: { none: 2, configObject: 0, configText: 1, semantic: 1, dataset: 2, model: 0 },
      brokenImages: true,
      suites: false,
      commands: ['run'],
      outStates: ['absent', 'previous'],
    });
  },
  propertyTimeout(10),
);
