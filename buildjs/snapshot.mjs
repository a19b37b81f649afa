// @ts-check
/**
 * The start-up snapshot (build.py make_snapshot): a Pyodide memory image with
 * the app's wheel installed and the app imported, which the worker
 * (static/engine.js) restores instead of starting Python and installing the
 * wheel.
 *
 * micropip installs the wheel in a first Pyodide; its installed files (the
 * wheel's RECORD) are copied into a second, fresh Pyodide started with
 * `_makeSnapshot`, which imports the app, is marked with the snapshot's key
 * and is snapshotted.  (micropip in the snapshotted instance itself leaves JS
 * references behind, and makeMemorySnapshot then fails with "Unexpected
 * hiwire entry": pyodide#5195.)  The snapshot is then restored once and
 * checked as the worker checks it, and written only if it passes.
 *
 * Usage: node buildjs/snapshot.mjs RUNTIME TARGET KEY APP_WHEEL RESTORED IMPORTS WHEEL...
 *   RUNTIME the site's Pyodide folder; TARGET where the snapshot goes; KEY its
 *   name; RESTORED the app's module that marks and checks it; IMPORTS the
 *   modules to import, comma-separated; each WHEEL is loaded before micropip
 *   installs APP_WHEEL.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { basename } from 'node:path';

const SITE_PACKAGES = "import sysconfig; sysconfig.get_paths()['purelib']";

/**
 * The size of a runtime's memory (Pyodide's Emscripten module, which its types leave out).
 *
 * @param {import('pyodide').PyodideAPI} pyodide
 */
function heapBytes(pyodide) {
  return /** @type {{ _module: { HEAP8: Int8Array } }} */ (/** @type {unknown} */ (pyodide))._module.HEAP8.length;
}

/**
 * Makes the snapshot, checks it and writes it to `target`; returns what it holds, in words.
 *
 * @param {string} runtime
 * @param {string} target
 * @param {string} key
 * @param {string} appWheel
 * @param {string} restoredModule
 * @param {string[]} imports
 * @param {string[]} wheels
 */
async function makeSnapshot(runtime, target, key, appWheel, restoredModule, imports, wheels) {
  /** @type {typeof import('pyodide')} */
  const { loadPyodide } = await import(`${runtime}/pyodide.mjs`);
  const indexURL = `${runtime}/`;

  const installer = await loadPyodide({ indexURL });
  await installer.loadPackage(wheels);
  installer.FS.mkdirTree('/wheels');
  installer.FS.writeFile(`/wheels/${basename(appWheel)}`, readFileSync(appWheel));
  await installer.pyimport('micropip').install(`emfs:/wheels/${basename(appWheel)}`);
  /** @type {string} */
  const from = installer.runPython(SITE_PACKAGES);
  /** @type {string[]} */
  const files = installer.runPython(`
import importlib.metadata, os
[str(f) for f in importlib.metadata.distribution('placement_app').files
 if os.path.isfile(os.path.join(${JSON.stringify(from)}, str(f)))]`).toJs();

  const pyodide = await loadPyodide({ indexURL, _makeSnapshot: true });
  const heap = heapBytes(pyodide);
  /** @type {string} */
  const to = pyodide.runPython(SITE_PACKAGES);
  for (const file of files) {
    const path = `${to}/${file}`;
    pyodide.FS.mkdirTree(path.slice(0, path.lastIndexOf('/')));
    pyodide.FS.writeFile(path, installer.FS.readFile(`${from}/${file}`));
  }
  pyodide.runPython(`
import importlib
for name in ${JSON.stringify(imports)}:
    importlib.import_module(name)
importlib.import_module(${JSON.stringify(restoredModule)}).mark(${JSON.stringify(key)})`);
  if (heapBytes(pyodide) !== heap) {
    // A restore sizes its heap by Pyodide's default, not by the snapshot (pyodide#6254).
    throw new Error(`the heap grew from ${heap} to ${heapBytes(pyodide)} bytes: no restore`);
  }
  const snapshot = pyodide.makeMemorySnapshot();
  const restored = await loadPyodide({ indexURL, _loadSnapshot: snapshot });
  /** @type {string | undefined} */
  const refusal = restored.pyimport(restoredModule).after_restore(key);
  if (refusal) throw new Error(`the restored snapshot is refused: ${refusal}`);
  writeFileSync(target, snapshot);
  return `${files.length} files, ${snapshot.length} bytes`;
}

const [runtime, target, key, appWheel, restoredModule, imports, ...wheels] = process.argv.slice(2);
try {
  if (!imports) throw new Error('usage: node buildjs/snapshot.mjs RUNTIME TARGET KEY APP_WHEEL RESTORED IMPORTS WHEEL...');
  process.stdout.write(await makeSnapshot(runtime, target, key, appWheel, restoredModule, imports.split(','), wheels));
} catch (error) {
  // The reason alone, on the last line of stderr, which build.py quotes in its warning.
  process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
  process.exitCode = 1;
}
