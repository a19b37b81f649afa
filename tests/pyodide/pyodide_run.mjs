// Runs a Python scenario inside real Pyodide (Node.js), with the app installed by micropip.
// Usage: node pyodide_run.mjs <pyodide dir> <site wheels dir> <app wheel path> <python file>
import { readFileSync } from 'node:fs';
import { basename, join } from 'node:path';

const [pyodideDir, wheelsDir, appWheelPath, scenario] = process.argv.slice(2);
const appWheel = basename(appWheelPath);
const { loadPyodide } = await import(join(pyodideDir, 'pyodide.mjs'));
const pyodide = await loadPyodide({ indexURL: pyodideDir + '/' });
await pyodide.loadPackage([
  join(wheelsDir, 'packaging-26.1-py3-none-any.whl'),
  join(wheelsDir, 'micropip-0.11.1-py3-none-any.whl'),
]);
pyodide.FS.mkdirTree('/wheels');
pyodide.FS.writeFile(`/wheels/${appWheel}`, readFileSync(appWheelPath));
await pyodide.pyimport('micropip').install(`emfs:/wheels/${appWheel}`);
for (const helper of ['fakedom.py', 'fakepage.py']) {
  pyodide.FS.writeFile(`/home/pyodide/${helper}`, readFileSync(join(import.meta.dirname, '..', helper)));
}
const output = await pyodide.runPythonAsync(readFileSync(scenario, 'utf8'), { filename: basename(scenario) });
process.stdout.write(String(output));
