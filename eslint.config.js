// Type-aware lint: the rules that catch real bugs in async I/O code (floating promises,
// misused promises) need type information, so the whole project is linted with its tsconfig.
import tseslint from 'typescript-eslint';

// The layers of src/, lowest first (docs/architecture.md). A folder may import from its own
// layer and the layers below it, never from one above: this is what keeps the import graph one
// direction. Files directly in src/ (types, errors, version, platform, worker-entry) sit under
// every layer; the entry files cli.ts, cli-main.ts and action-main.ts are edges.
const LAYERS = [
  ['text', 'image'],
  ['corruptions', 'transforms'],
  ['config'],
  ['tables', 'metrics'],
  ['dataset', 'model'],
  ['gates'],
  ['tasks'],
  ['analysis'],
  ['suites'],
  ['report'],
  ['engine'],
  ['github', 'init'],
  ['action'],
];
const EDGE_FILES = ['cli', 'cli-main', 'action-main'];

/** Import patterns of everything above layer `i` (all layers for the files under them). */
const above = (i) => [
  ...LAYERS.slice(i + 1)
    .flat()
    .map((folder) => `**/${folder}/**`),
  ...EDGE_FILES.map((file) => `**/${file}.js`),
];

const layering = [
  { files: ['src/*.ts'], ignores: EDGE_FILES.map((f) => `src/${f}.ts`), index: -1 },
  ...LAYERS.map((folders, index) => ({
    files: folders.map((f) => `src/${f}/**/*.ts`),
    index,
  })),
].map(({ index, ...block }) => ({
  ...block,
  rules: {
    'no-restricted-imports': [
      'error',
      {
        patterns: [
          {
            group: above(index),
            message:
              'Layering: a folder never imports from a layer above it (see docs/architecture.md).',
          },
        ],
      },
    ],
  },
}));

export default tseslint.config(
  { ignores: ['dist/**', 'node_modules/**', 'examples/**', 'coverage/**', 'bin/**'] },
  ...tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: {
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-misused-promises': 'error',
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_' },
      ],
      '@typescript-eslint/restrict-template-expressions': [
        'error',
        { allowNumber: true, allowBoolean: true },
      ],
    },
  },
  {
    files: ['test/**', 'bench/**', 'scripts/**'],
    rules: {
      '@typescript-eslint/no-unsafe-assignment': 'off',
      '@typescript-eslint/no-unsafe-member-access': 'off',
      '@typescript-eslint/no-unsafe-argument': 'off',
      '@typescript-eslint/no-unsafe-call': 'off',
      '@typescript-eslint/no-non-null-assertion': 'off',
    },
  },
  { files: ['eslint.config.js', 'scripts/*.mjs'], ...tseslint.configs.disableTypeChecked },
  ...layering,
);
