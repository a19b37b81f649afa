/**
 * What the build exports for the page, asked of Python itself (build.rules), so that the JS tests
 * read the export and never a copy of it; and any other value Python makes, for a test to compare.
 */
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const VENV = `${ROOT}.venv/bin/python`;

/**
 * The JSON value a Python expression gives, evaluated in the project (its package importable).
 *
 * @param {string} expression
 * @param {string} [imports] statements run first
 */
export function python(expression, imports = '') {
  const code = `import json, sys\nsys.path.insert(0, ${JSON.stringify(ROOT)})\n${imports}\n`
    + `print(json.dumps(${expression}, ensure_ascii=False))`;
  return JSON.parse(execFileSync(existsSync(VENV) ? VENV : 'python3', ['-c', code], { encoding: 'utf8' }));
}

/** The engine's rules, as build.py puts them in every page's boot data. */
export const ENGINE = python('build.engine_rules()', 'import build');

/** The quick view's tables, as build.py writes them into rules.json. */
export const RULES = python('build.rules()', 'import build');
