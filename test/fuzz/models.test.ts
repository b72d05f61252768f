import { it } from 'vitest';
import { checkCases } from '../support/fuzz/property.js';
import { propertyTimeout } from '../support/fuzz/settings.js';

it(
  'model files that are not usable models: exit 2 naming the model file',
  async () => {
    await checkCases('models', import.meta.filename, 70, {
      faults: { none: 1, configObject: 0, configText: 0, semantic: 0, dataset: 0, model: 4 },
      brokenImages: false,
      suites: false,
      commands: ['run'],
      outStates: ['absent', 'previous'],
    });
  },
  propertyTimeout(70),
);
