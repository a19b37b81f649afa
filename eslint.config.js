import js from '@eslint/js';
import globals from 'globals';

export default [
  { ignores: ['node_modules/', 'build/', '.venv/'] },
  js.configs.recommended,
  {
    languageOptions: {
      ecmaVersion: 2022,
      sourceType: 'module',
    },
    linterOptions: {
      reportUnusedDisableDirectives: 'error',
    },
    rules: {
      'no-unused-vars': ['error', { args: 'after-used', caughtErrors: 'all' }],
      eqeqeq: ['error', 'always'],
      'no-implicit-globals': 'error',
      'no-var': 'error',
      'prefer-const': 'error',
      'no-shadow': 'error',
      'no-throw-literal': 'error',
      'no-eval': 'error',
      'no-implied-eval': 'error',
      'no-new-func': 'error',
      'no-restricted-properties': ['error',
        { property: 'innerHTML', message: 'Text only: use textContent and createElement.' },
        { property: 'outerHTML', message: 'Text only: use textContent and createElement.' },
        { property: 'insertAdjacentHTML', message: 'Text only: use textContent and createElement.' },
      ],
    },
  },
  {
    files: ['static/**/*.js', 'emulator/web/**/*.js', 'bench/**/*.js'],
    languageOptions: { globals: globals.browser },
  },
  {
    files: ['static/engine.js'],
    languageOptions: { globals: globals.worker },
  },
  {
    files: ['eslint.config.js', 'tests/**/*.mjs', 'tests/**/*.js'],
    languageOptions: { globals: globals.node },
  },
  {
    // The build's own scripts (build.py runs them with Node.js); never shipped.
    files: ['buildjs/**/*.mjs'],
    languageOptions: { globals: globals.node },
  },
];
