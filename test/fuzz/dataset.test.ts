import { it } from 'vitest';
import { checkCases } from '../support/fuzz/property.js';
import { propertyTimeout } from '../support/fuzz/settings.js';

it(
  'manifests and image folders, valid and broken: exit 0/1/2 with the file and line named',
  async () => {
    await checkCases('dataset', import.meta.filename, 300, {
      faults: { none: 2, configObject: 0, configText: 0, semantic: 0, dataset: 5, model: 0 },
      brokenImages: false,
      suites: false,
      commands: ['run'],
      outStates: ['absent', 'previous'],
    });
  },
  propertyTimeout(300),
);
