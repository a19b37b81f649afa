// @ts-check
// The baseline: the same Pyodide runtime from the same site, loaded with nothing else.
// The page is opened as bench/bare.html?runtime=<the site's versioned runtime folder>.
const runtime = new URLSearchParams(location.search).get('runtime');
const base = new URL(`../${runtime}/`, document.baseURI).href;
const { loadPyodide } = await import(new URL('pyodide.mjs', base).href);
await loadPyodide({ indexURL: base, packageBaseUrl: base });
performance.mark('bare:live');
