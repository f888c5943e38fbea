// Lint configuration: typescript-eslint's type-aware rules over the TypeScript and the Node scripts.
import js from '@eslint/js';
import globals from 'globals';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  {
    ignores: ['dist/**', 'build/**', 'node_modules/**', 'bench/out/**', '.astro/**', 'public/**'],
  },
  js.configs.recommended,
  ...tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: {
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    rules: {
      '@typescript-eslint/switch-exhaustiveness-check': ['error', { considerDefaultExhaustiveForUnions: true }],
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-explicit-any': 'error',
      // The library's calls are generator functions by contract (every call site is `yield*`);
      // a call that takes no step is a generator that returns at once.
      'require-yield': 'off',
      // Unused bindings named with a leading underscore are parameters kept for a signature.
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrors: 'none' },
      ],
      // The C front end compiles to generator functions (they cannot be arrows), which reach the
      // compiler through a `self` captured on purpose.
      '@typescript-eslint/no-this-alias': 'off',
      // Method references are kept on purpose: the sandbox's lockdown captures prototype methods
      // before the reader's code runs, and handlers typed as methods are arrow properties.
      '@typescript-eslint/unbound-method': 'off',
      // `c ? f(x) : yield* g(x)` is how the C front end runs an expression for its effect.
      // Async functions that implement an async interface without awaiting anything are fine.
      '@typescript-eslint/require-await': 'off',
      '@typescript-eslint/no-unused-expressions': ['error', { allowTernary: true }],
    },
  },
  {
    // Plain JavaScript (Node scripts, the site's config and plugins): no types to be unsafe about.
    files: ['**/*.js', '**/*.mjs'],
    languageOptions: { globals: { ...globals.node, ...globals.browser } },
    rules: {
      '@typescript-eslint/no-unsafe-argument': 'off',
      '@typescript-eslint/no-unsafe-assignment': 'off',
      '@typescript-eslint/no-unsafe-call': 'off',
      '@typescript-eslint/no-unsafe-member-access': 'off',
      '@typescript-eslint/no-unsafe-return': 'off',
    },
  },
  {
    // Tests and benchmarks read the JSON the CLI and the pages print (`any` from JSON.parse and
    // page.evaluate) and check it with expect(): typing each read would add nothing.
    files: ['tests/**', 'bench/**'],
    rules: {
      '@typescript-eslint/no-unsafe-argument': 'off',
      '@typescript-eslint/no-unsafe-assignment': 'off',
      '@typescript-eslint/no-unsafe-call': 'off',
      '@typescript-eslint/no-unsafe-member-access': 'off',
      '@typescript-eslint/no-unsafe-return': 'off',
    },
  },
  {
    // Exercise files import on purpose what the reader will need.
    files: ['content/examples/**'],
    rules: { '@typescript-eslint/no-unused-vars': 'off' },
  },
);
