import { it } from 'vitest';
import { checkCases } from '../support/fuzz/property.js';
import { propertyTimeout } from '../support/fuzz/settings.js';

it(
  'configs, valid and broken: exit 0/1/2 with the key or line named, outputs whole',
  async () => {
    await checkCases('config', import.meta.filename, 350, {
      faults: { none: 2, configObject: 4, configText: 3, semantic: 3, dataset: 0, model: 0 },
      brokenImages: false,
      suites: true,
      commands: ['run'],
      outStates: ['absent', 'previous', 'nested', 'empty'],
    });
  },
  propertyTimeout(350),
);
