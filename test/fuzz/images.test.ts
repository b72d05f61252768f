import { it } from 'vitest';
import { checkCases } from '../support/fuzz/property.js';
import { propertyTimeout } from '../support/fuzz/settings.js';

it(
  'image files of every format, size and depth, whole and broken: never a crash',
  async () => {
    await checkCases('images', import.meta.filename, 160, {
      faults: { none: 1, configObject: 0, configText: 0, semantic: 0, dataset: 4, model: 0 },
      brokenImages: true,
      suites: true,
      commands: ['run'],
      outStates: ['absent', 'previous'],
    });
  },
  propertyTimeout(160),
);
