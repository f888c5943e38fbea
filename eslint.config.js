// Lint configuration: typescript-eslint's type-aware rules over the TypeScript, the Node scripts and the
// Astro components (eslint-plugin-astro: their frontmatter, expressions and client-side scripts).
import js from '@eslint/js';
import astro from 'eslint-plugin-astro';
import globals from 'globals';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  {
    ignores: ['dist/**', 'build/**', 'node_modules/**', 'bench/out/**', '.astro/**', 'public/**'],
  },
  js.configs.recommended,
  ...tseslint.configs.recommendedTypeChecked,
  ...astro.configs.recommended,
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
      // QuickJS, which runs the library in the CLI's sandbox, cannot compile a for-of whose iterable
      // is a yield* expression ("stack underflow"), and the whole library fails with it.
      'no-restricted-syntax': [
        'error',
        {
          selector: 'ForOfStatement > YieldExpression.right',
          message:
            "QuickJS (the CLI's sandbox) cannot compile for-of over yield*: take the iterable into a const first.",
        },
      ],
    },
  },
  {
    // Astro components: astro-eslint-parser reads the tsconfig itself (it has no project service).
    // A template's JSX has no type typescript-eslint can see (Astro types an element as
    // `HTMLElement | any`), so `.map((x) => <li>{x}</li>)` would read as an unsafe return.
    files: ['**/*.astro'],
    languageOptions: { parserOptions: { projectService: false, project: './tsconfig.json' } },
    rules: { '@typescript-eslint/no-unsafe-return': 'off' },
  },
  {
    // A component's client-side <script>s, which the plugin lints as virtual files beside it
    // (X.astro/1_1.ts): no program holds them, so they are linted without type information.
    files: ['**/*.astro/*.ts', '**/*.astro/*.js'],
    languageOptions: { parserOptions: { projectService: false, project: null } },
    rules: tseslint.configs.disableTypeChecked.rules,
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
