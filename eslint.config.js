// Lint rules, including the layer boundaries of ARCHITECTURE.md as import restrictions.
import js from '@eslint/js';
import reactHooks from 'eslint-plugin-react-hooks';
import globals from 'globals';
import tseslint from 'typescript-eslint';

/** Folders each layer may not import from (relative import patterns). */
const forbidden = {
  core: [
    'formats',
    'presets',
    'gpu',
    'engine',
    'models',
    'worker',
    'bridge',
    'state',
    'ui',
    'app',
    'cli',
  ],
  formats: ['presets', 'gpu', 'engine', 'models', 'worker', 'bridge', 'state', 'ui', 'app', 'cli'],
  presets: ['formats', 'gpu', 'engine', 'models', 'worker', 'bridge', 'state', 'ui', 'app', 'cli'],
  gpu: ['formats', 'presets', 'engine', 'models', 'worker', 'bridge', 'state', 'ui', 'app', 'cli'],
  engine: ['presets', 'worker', 'bridge', 'state', 'ui', 'app', 'cli'],
  models: ['presets', 'worker', 'bridge', 'state', 'ui', 'app', 'cli'],
  worker: ['presets', 'bridge', 'state', 'ui', 'app', 'cli'],
  bridge: ['core', 'formats', 'presets', 'gpu', 'engine', 'models', 'state', 'ui', 'app', 'cli'],
  state: ['core', 'formats', 'gpu', 'engine', 'models', 'worker', 'ui', 'app', 'cli'],
  ui: ['formats', 'gpu', 'engine', 'models', 'worker', 'bridge', 'app', 'cli'],
  app: ['formats', 'gpu', 'engine', 'models', 'worker', 'cli'],
  cli: ['gpu', 'worker', 'bridge', 'state', 'ui', 'app'],
};

const layerRules = Object.entries(forbidden).map(([layer, banned]) => ({
  files: [`src/${layer}/**/*.{ts,tsx}`],
  rules: {
    'no-restricted-imports': [
      'error',
      {
        patterns: [
          {
            group: banned.flatMap((b) => [`../${b}/*`, `../../${b}/*`, `../../../${b}/*`]),
            message: `src/${layer} may not import this layer (see ARCHITECTURE.md, one-way dependencies)`,
          },
        ],
      },
    ],
  },
}));

export default tseslint.config(
  { ignores: ['dist', 'node_modules', 'test-results', 'playwright-report', 'public'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { ...globals.browser, ...globals.node } },
    rules: {
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_' },
      ],
      '@typescript-eslint/consistent-type-imports': 'error',
    },
  },
  {
    files: ['src/**/*.tsx'],
    plugins: { 'react-hooks': reactHooks },
    rules: reactHooks.configs.recommended.rules,
  },
  ...layerRules,
  {
    // bridge sees the worker's types only; the worker's code runs on the other side of postMessage.
    files: ['src/bridge/**/*.ts'],
    rules: {
      '@typescript-eslint/no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              group: ['../worker/*'],
              allowTypeImports: true,
              message: 'bridge may import only types from the worker',
            },
          ],
        },
      ],
    },
  },
);
