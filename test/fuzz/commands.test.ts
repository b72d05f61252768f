import { it } from 'vitest';
import { checkCases } from '../support/fuzz/property.js';
import { propertyTimeout } from '../support/fuzz/settings.js';

it(
  'shards then merge, stored baselines, output folders in every state: whole outputs or none',
  async () => {
    await checkCases('commands', import.meta.filename, 110, {
      faults: { none: 4, configObject: 0, configText: 1, semantic: 1, dataset: 1, model: 0 },
      brokenImages: false,
      suites: false,
      commands: ['run', 'shards', 'stored'],
      outStates: ['absent', 'nested', 'previous', 'empty', 'foreign', 'file'],
    });
  },
  propertyTimeout(110),
);
