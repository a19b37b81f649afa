/**
 * What the build exports for the page, asked of Python itself (build.rules), so that the JS tests
 * read the export and never a copy of it; and any other value Python makes, for a test to compare.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
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

/**
 * The build's three exports, asked of Python once per run of the tests: `node --test` runs each
 * file in a process of its own, all children of one runner, so the first file to ask keeps the
 * answer for the others under the runner's process id (a new run asks again).
 */
function exports() {
  const kept = join(tmpdir(), `call-timeline-exports-${process.ppid}.json`);
  try {
    return JSON.parse(readFileSync(kept, 'utf8'));
  } catch {
    const made = python('{"rules": build.rules(), "protocol": build.page_protocol(), "engine": build.engine_rules()}',
      'import build');
    const partial = `${kept}.${process.pid}`;
    writeFileSync(partial, JSON.stringify(made));
    renameSync(partial, kept);  // whole or not at all, for a file that reads it at the same moment
    return made;
  }
}

const EXPORTS = exports();
/** The engine's rules, as build.py puts them in every page's boot data. */
export const ENGINE = EXPORTS.engine;
/** The quick view's tables, as build.py writes them into rules.json. */
export const RULES = EXPORTS.rules;
/** The pages' protocol, as build.py writes it into protocol.json. */
export const PROTOCOL = EXPORTS.protocol;
