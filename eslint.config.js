// Lint: typescript-eslint's strict, type-checked rules over everything we write (library, page, tests, tools,
// bench). Formatting is Prettier's job (.prettierrc.json), so no stylistic rules here.
import eslint from '@eslint/js';
import { defineConfig } from 'eslint/config';
import tseslint from 'typescript-eslint';

export default defineConfig(
  {
    ignores: [
      'dist/**',
      'build/**',
      'node_modules/**',
      '.cache/**',
      // The bench's inputs: an MPEG-TS file ends in .ts too.
      'bench/.cache/**',
      'test-results/**',
      'test/consumer/app/**',
      'test/fixtures/**',
      'bench/results/**',
      'public/**',
      'types/**',
    ],
  },
  eslint.configs.recommended,
  tseslint.configs.strictTypeChecked,
  {
    languageOptions: {
      // The hand-written types of the tools' plain scripts (tools/*.d.mts) are in no tsconfig's `include`: they are
      // linted in the default project, with the options of the one whose code imports them.
      parserOptions: {
        projectService: { allowDefaultProject: ['tools/*.d.mts'], defaultProject: 'tsconfig.test.json' },
        tsconfigRootDir: import.meta.dirname,
      },
    },
    rules: {
      // tsconfig has noUncheckedIndexedAccess, so every in-bounds index into a typed array (pixel loops, tables
      // walked by their own length) is `T | undefined`; `!` there says "the loop bound checked it", and the
      // alternatives (`?? 0`, a branch per pixel) would hide an out-of-bounds bug behind a plausible value.
      '@typescript-eslint/no-non-null-assertion': 'off',
      // Numbers in messages ("fps 0 is out of range 0.01..240") are the point of our error texts.
      '@typescript-eslint/restrict-template-expressions': ['error', { allowNumber: true }],
      // `() => void x()` callbacks are the idiom for event handlers; the rule stays on for statements.
      '@typescript-eslint/no-confusing-void-expression': ['error', { ignoreArrowShorthand: true }],
      // `const { dropped: _, ...kept } = x` is how a field is left out of a copy.
      '@typescript-eslint/no-unused-vars': ['error', { ignoreRestSiblings: true }],
    },
  },
  {
    files: ['**/*.js', '**/*.mjs', '**/*.cjs'],
    extends: [tseslint.configs.disableTypeChecked],
    languageOptions: { globals: { process: 'readonly', console: 'readonly', URL: 'readonly' } },
  },
  {
    // The tools and the benchmark runner are Node scripts: Node's globals (the `globals` package is not installed).
    files: ['bench/**/*.mjs', 'tools/**/*.mjs'],
    languageOptions: {
      globals: {
        fetch: 'readonly',
        performance: 'readonly',
        setTimeout: 'readonly',
        clearTimeout: 'readonly',
        setInterval: 'readonly',
        clearInterval: 'readonly',
      },
    },
  },
  {
    // bench/run.mjs's page.evaluate callbacks run in the bench page, where `window` is the page's.
    files: ['bench/**/*.mjs'],
    languageOptions: { globals: { window: 'readonly' } },
  },
);
