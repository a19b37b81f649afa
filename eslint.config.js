import js from '@eslint/js';
import globals from 'globals';

/**
 * Every path a file imports (`import`, `export ... from`, and `import()` with a written path) must
 * match `allowed`, a regular expression without anchors or flags.
 *
 * @param {string} allowed
 * @param {string} message why the folder imports only these
 */
function onlyImports(allowed, message) {
  return {
    'no-restricted-imports': ['error', { patterns: [{ regex: `^(?!(?:${allowed})$)`, message }] }],
    // no-restricted-imports does not look at import(): the same rule for a dynamic import.
    'no-restricted-syntax': ['error',
      { selector: `ImportExpression > Literal.source:not([value=/^(?:${allowed})$/])`, message }],
  };
}

/** A module of the same folder, by its own name: `./name.js`. */
const SIBLING = String.raw`\.\/[\w-]+(?:\.[\w-]+)*\.js`;

/**
 * What each folder's JavaScript may import.  static/ ships as it is, file by file, into one
 * content-named folder of the site, and the browser loads each module from there: a module can reach
 * only its siblings.  The emulator's page is served the same way from emulator/web/, and it plays the
 * portal: it shares no code with the card it checks.  The tests run the project's real files: Node's
 * own modules (node:) and the sources by relative path, never the built site or an installed copy.
 */
const importRules = [
  {
    files: ['static/**/*.js'],
    rules: onlyImports(SIBLING, 'static/ imports only its own modules, as ./name.js: the site serves '
      + 'nothing else beside them (no package, no ../, nothing of the emulator, tests or tools).'),
  },
  {
    files: ['emulator/web/**/*.js'],
    rules: onlyImports(SIBLING, "The emulator's page imports only its own modules, as ./name.js: it plays "
      + "the portal, so it shares no code with the card (static/) and needs no package."),
  },
  {
    files: ['tests/**/*.mjs', 'tests/**/*.js'],
    rules: onlyImports(String.raw`node:[\w\/]+|(?:\.\.?\/)+(?!(?:\.\.\/)*(?:build|node_modules)\/)\S+`,
      "Tests import Node's own modules (node:) and the project's sources by relative path: no npm "
      + 'package, never the built site (build/) or an installed copy (node_modules/).'),
  },
];

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
  ...importRules,
];
