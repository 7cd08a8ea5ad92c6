// Lint rules, including the layer boundaries of ARCHITECTURE.md as import restrictions.
import js from '@eslint/js';
import reactHooks from 'eslint-plugin-react-hooks';
import globals from 'globals';
import tseslint from 'typescript-eslint';

/**
 * The arrows of ARCHITECTURE.md: the layers each layer may import (values or types). Everything
 * else is an error. `engine/types.ts` is the one module of engine types that the main thread and
 * the CLI may import (types only: it holds nothing that runs).
 */
const allowed = {
  core: [],
  formats: ['core'],
  presets: ['core'],
  gpu: ['core'],
  models: ['core'],
  engine: ['gpu', 'formats', 'models', 'core'],
  worker: ['engine'],
  bridge: [],
  state: ['bridge', 'presets'],
  ui: ['state', 'presets', 'core'],
  app: ['ui', 'state', 'bridge', 'presets'],
  cli: ['engine', 'presets'],
};
const LAYERS = Object.keys(allowed);
// The bridge's view of the worker (types only) has a rule of its own below.
const forbidden = Object.fromEntries(
  LAYERS.map((l) => [
    l,
    LAYERS.filter((o) => o !== l && !allowed[l].includes(o) && !(l === 'bridge' && o === 'worker')),
  ]),
);
/** Layers that may import the engine's types module (and only it) from the engine. */
const typesOnly = ['bridge', 'state', 'ui', 'app', 'cli'];

const layerRules = Object.entries(forbidden).map(([layer, banned]) => ({
  files: [`src/${layer}/**/*.{ts,tsx}`],
  rules: {
    'no-restricted-imports': [
      'error',
      {
        patterns: [
          {
            group: banned.flatMap((b) => [
              ...['../', '../../', '../../../'].map((up) => `${up}${b}/*`),
              ...(b === 'engine' && typesOnly.includes(layer)
                ? ['!../engine/types.ts', '!../../engine/types.ts', '!../../../engine/types.ts']
                : []),
            ]),
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
