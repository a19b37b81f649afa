"""What the card bench measures with, besides the card's own performance marks.

- :func:`bench_site`: a copy of the built site in which the worker
  (``static/engine.js``) and the runtime (``pyodide.mjs``) record, where
  they run, the moments of start-up that the card does not mark: the
  worker's first line, each fetch, the WebAssembly compile, the standard
  library in place, ``loadPyodide`` done, ``pyimport`` of micropip and of
  the app, the wheel's install, the app's ``main()`` (its first drawing) and
  the hand-over.  engine.js is the product's file with a prelude in front
  and its runtime loader wrapped; pyodide.mjs is a small module in front of
  the product's (renamed pyodide.orig.mjs); both in a copy of the site, not
  through a Playwright route, because routing turns Chromium's HTTP cache
  off, and a warm card is one that the cache serves.  Every other byte of
  the site is the product's; bare Pyodide goes through the same wrapper.
- :class:`ByteCounter`: what the card's server sent, file by file, counted
  in the server; the compressed figure is what a server of the product
  (``gzip_static``, see ``serving.nginx_server``) sends for the same files.
- :class:`CardProbe`: the DevTools protocol on the card's frame (an
  out-of-process frame when the card is cross-site): the CPU time of its
  renderer process (``Performance.getMetrics`` ``ProcessTime``: every thread
  of that process, main thread, the Python worker, compile and GC threads;
  ``ThreadTime``: its main thread only), the JavaScript heaps of the page and
  of the worker (``Runtime.getHeapUsage``) and the worker's WebAssembly
  memory (the size of Pyodide's heap, read in the worker).
"""

from __future__ import annotations

import json
import re
import shutil
import sys
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any

if TYPE_CHECKING:
    from playwright.sync_api import BrowserContext, CDPSession, Frame, Page

    from emulator.server import Servers

BENCH = Path(__file__).resolve().parent
ROOT = BENCH.parent
sys.path.insert(0, str(ROOT))

import build  # noqa: E402

#: The real pyodide.mjs, renamed in the bench's copy of the site (not a file of the product).
ORIGINAL = "pyodide.orig.mjs"

# The mark store, shared by the worker's prelude and the runtime wrapper.  Times are absolute
# (timeOrigin + now), so that the bench can put them on the card page's clock.  Nothing is
# posted to the page: the marks stay in their context (globalThis.__bench) until read.
MARKS = r"""if (!globalThis.__bench) {
  const marks = {};
  const now = () => performance.timeOrigin + performance.now();
  const mark = (name) => { if (!(name in marks)) marks[name] = now(); };
  globalThis.__bench = { marks, now, mark, runtime: null };
}
"""

# The fetches and the WebAssembly compile, seen from the worker's first line (the prelude) or,
# for bare Pyodide, from the runtime wrapper; installed once.
HOOKS = r"""if (!globalThis.__bench.hooked) {
  const bench = globalThis.__bench;
  bench.hooked = true;
  const file = (url) => String(url).split('?')[0].split('/').pop();
  const realFetch = globalThis.fetch;
  globalThis.fetch = async function (input, init) {
    const name = file(input instanceof Request ? input.url : input);
    bench.mark(`fetch-start:${name}`);
    const response = await realFetch.call(this, input, init);
    bench.mark(`fetch-headers:${name}`);
    return response;
  };
  for (const method of ['arrayBuffer', 'json', 'text', 'blob']) {
    const real = Response.prototype[method];
    Response.prototype[method] = async function () {
      const value = await real.call(this);
      bench.mark(`fetch-body:${file(this.url)}`);
      return value;
    };
  }
  const realStreaming = WebAssembly.instantiateStreaming;
  WebAssembly.instantiateStreaming = async function (source, ...rest) {
    const start = bench.now();
    const response = await source;
    const value = await realStreaming.call(this, response, ...rest);
    const name = file(response.url);
    bench.marks[`wasm-start:${name}`] ??= start;
    bench.mark(`wasm-done:${name}`);
    return value;
  };
  const realInstantiate = WebAssembly.instantiate;
  WebAssembly.instantiate = async function (source, ...rest) {
    const start = bench.now();
    const value = await realInstantiate.call(this, source, ...rest);
    if (source && source.byteLength > 1000000) {
      bench.marks['wasm-start:pyodide.asm.wasm'] ??= start;
      bench.mark('wasm-done:pyodide.asm.wasm');
    }
    return value;
  };
}
"""

# Runs in the worker before engine.js itself: the worker's start, what it posts to the page,
# and, around the runtime the engine loads, pyimport, micropip's install and an entry's main.
PRELUDE = MARKS + HOOKS + r"""{
  const bench = globalThis.__bench;
  bench.mark('worker-start');
  self.addEventListener('message', (event) => {
    if (event.data && event.data.type === 'boot') bench.mark('boot');
  });
  const realPost = globalThis.postMessage;
  globalThis.postMessage = function (message, ...rest) {
    if (message && typeof message === 'object') {
      if (message.type === 'dom') bench.mark('first-draw');
      else if (message.type === 'mark') bench.mark(`engine:${message.name}`);
      else bench.mark(String(message.type));
    }
    return realPost.call(this, message, ...rest);
  };
  const timed = (name, call) => {
    bench.mark(`${name}-start`);
    const value = call();
    if (value && typeof value.then === 'function') {
      return value.then((result) => { bench.mark(`${name}-done`); return result; });
    }
    bench.mark(`${name}-done`);
    return value;
  };
  // What the engine calls on a module: micropip's install, an entry's main.
  const wrapModule = (module) => new Proxy({}, {
    get(_, key) {
      const value = module[key];
      if (key === 'install' || key === 'main') return (...args) => timed(key, () => value(...args));
      return value;
    },
  });
  const wrapRuntime = (runtime) => new Proxy({}, {
    get(_, key) {
      if (key === 'pyimport') {
        return (name) => wrapModule(timed(`import:${name}`, () => runtime.pyimport(name)));
      }
      const value = runtime[key];
      const isPy = runtime.ffi && value instanceof runtime.ffi.PyProxy;
      return typeof value === 'function' && !isPy ? value.bind(runtime) : value;
    },
  });
  globalThis.__benchLoad = (load) => async (...args) => {
    const runtime = await timed('load', () => load(...args));
    bench.runtime ??= runtime;
    return wrapRuntime(runtime);
  };
}
"""

# The runtime's pyodide.mjs in the bench's copy of the site, in front of the real one
# (pyodide.orig.mjs): the fetches, the WebAssembly compile and the file system's set-up
# (Pyodide's fsInit hook runs once the standard library is in place), for the card's worker
# and for the bare page alike.
RUNTIME_WRAPPER = MARKS + HOOKS + r"""const bench = globalThis.__bench;
const real = await import('./pyodide.orig.mjs');
bench.mark('runtime-module');
export const version = real.version;
export async function loadPyodide(options = {}) {
  bench.mark('loadPyodide-start');
  const fsInit = options.fsInit;
  const hooked = options._loadSnapshot ? options : {
    ...options,
    fsInit: async (...args) => { bench.mark('fs-ready'); if (fsInit) await fsInit(...args); },
  };
  const runtime = await real.loadPyodide(hooked);
  bench.mark('loadPyodide-done');
  bench.runtime ??= runtime;
  return runtime;
}
"""

#: Where the worker's runtime loader is handed to the engine; wrapped by the bench.
#: (``loadRuntime: name`` or the shorthand ``loadRuntime``.)
LOADER = re.compile(r"createEngine\(\{\s*loadRuntime\b(?::\s*([A-Za-z_$][\w$]*))?")


def instrument_engine(source: str) -> tuple[str, bool]:
    """engine.js with the bench's prelude; whether the runtime loader could be wrapped too."""
    matches = list(LOADER.finditer(source))
    if matches:
        last = matches[-1]
        loader = last.group(1) or "loadRuntime"
        source = (source[:last.start()] + f"createEngine({{ loadRuntime: globalThis.__benchLoad({loader})"
                  + source[last.end():])
    return PRELUDE + source, bool(matches)


def bench_site(site: Path, target: Path) -> bool:
    """A copy of ``site`` in ``target`` with the instrumented worker and bench/bare.*.

    Returns whether the runtime loader was wrapped (the finer Python phases).
    """
    shutil.rmtree(target, ignore_errors=True)
    shutil.copytree(site, target)
    engine = target / build.static_folder() / "engine.js"
    text, wrapped = instrument_engine(engine.read_text(encoding="utf-8"))
    engine.write_text(text, encoding="utf-8")
    runtime = target / build.RUNTIME
    (runtime / "pyodide.mjs").rename(runtime / ORIGINAL)
    (runtime / "pyodide.mjs").write_text(RUNTIME_WRAPPER, encoding="utf-8")
    (target / "bench").mkdir()
    for name in ("bare.html", "bare.js"):
        shutil.copy2(BENCH / name, target / "bench" / name)
    return wrapped


class ByteCounter:
    """Counts the files the card's server sends, with the product's raw and gzip sizes."""

    def __init__(self, servers: Servers, product: Path, served: Path) -> None:
        self.product = product
        self.served = served
        self.lock = threading.Lock()
        self.sent: list[tuple[str, int, int]] = []
        self.aborted: list[str] = []
        handler = servers.site.RequestHandlerClass
        card: Any = getattr(handler, "func", handler)  # Servers wraps its handler class in a partial
        counter = self
        original = card.copyfile

        def copyfile(handler_self: Any, source: IO[bytes], outputfile: IO[bytes]) -> None:
            try:
                original(handler_self, source, outputfile)
            except (BrokenPipeError, ConnectionResetError):  # the browser let go of it: not counted
                handler_self.close_connection = True
                with counter.lock:
                    counter.aborted.append(str(handler_self.path))
                return
            counter.count(str(handler_self.path))

        card.copyfile = copyfile

    def count(self, url_path: str) -> None:
        path = url_path.split("?")[0].lstrip("/") or "index.html"
        if path.endswith("/"):
            path += "index.html"
        if path.endswith(ORIGINAL):
            return  # the runtime's pyodide.mjs, counted once: as the product's file
        file = self.product / path
        if not file.is_file():
            file = self.served / path  # the bench's own pages (bench/bare.*)
        raw = file.stat().st_size if file.is_file() else 0
        packed = file.with_name(file.name + ".gz")
        gz = packed.stat().st_size if packed.is_file() else raw
        with self.lock:
            self.sent.append((path, raw, gz))

    def take(self) -> list[tuple[str, int, int]]:
        """The files sent since the last take: (path, raw bytes, gzip bytes)."""
        with self.lock:
            sent, self.sent = self.sent, []
        return sent


class Processes:
    """The browser's processes (``SystemInfo.getProcessInfo``): which renderer a frame has,
    and waiting for it to exit, so that the next card starts in a process of its own, as an
    operator's next call does (Chromium keeps a subframe's process a little while for reuse).
    """

    def __init__(self, context: BrowserContext) -> None:
        self.session = context.browser.new_browser_cdp_session() if context.browser else None

    def renderers(self) -> dict[int, float]:
        if self.session is None:
            return {}
        info = self.session.send("SystemInfo.getProcessInfo")["processInfo"]
        return {int(item["id"]): float(item["cpuTime"]) for item in info if item["type"] == "renderer"}

    def renderer_near(self, cpu_seconds: float) -> int | None:
        """The renderer whose CPU time is closest to a frame's ``ProcessTime`` read just before."""
        found = self.renderers()
        return min(found, key=lambda pid: abs(found[pid] - cpu_seconds)) if found else None

    def wait_gone(self, page: Page, pid: int | None, timeout: float = 20.0) -> bool:
        end = time.monotonic() + timeout
        while pid is not None and pid in self.renderers():
            if time.monotonic() > end:
                return False
            page.wait_for_timeout(50)
        return True


class FrameProbe:
    """The DevTools protocol on a frame of its own process (the card, or the bare page), and its worker."""

    def __init__(self, context: BrowserContext, page: Page, frame: Frame) -> None:
        self.page = page
        self.session: CDPSession = context.new_cdp_session(frame)
        self.session.send("Performance.enable")
        self.worker_session: str | None = None
        self.replies: dict[int, Any] = {}
        self.next_id = 0
        self.session.on("Target.attachedToTarget", self._attached)
        self.session.on("Target.receivedMessageFromTarget", self._received)

    def _attached(self, event: dict[str, Any]) -> None:
        if event["targetInfo"]["type"] == "worker" and self.worker_session is None:
            self.worker_session = str(event["sessionId"])

    def _received(self, event: dict[str, Any]) -> None:
        message = json.loads(event["message"])
        if "id" in message:
            self.replies[int(message["id"])] = message.get("result", message.get("error"))

    def metrics(self) -> dict[str, float]:
        reply = self.session.send("Performance.getMetrics")
        return {str(item["name"]): float(item["value"]) for item in reply["metrics"]}

    def page_heap(self) -> int:
        return int(self.session.send("Runtime.getHeapUsage")["usedSize"])

    def attach_worker(self) -> None:
        """Attach to the card's worker (only once the card is live, not to slow its start)."""
        self.session.send("Target.setAutoAttach",
                          {"autoAttach": True, "waitForDebuggerOnStart": False, "flatten": False})
        self._wait(lambda: self.worker_session is not None)

    def worker(self, method: str, params: dict[str, Any] | None = None) -> Any:
        """One DevTools command to the worker; its result."""
        if self.worker_session is None:
            return None
        self.next_id += 1
        number = self.next_id
        message = {"id": number, "method": method, "params": params or {}}
        self.session.send("Target.sendMessageToTarget",
                          {"sessionId": self.worker_session, "message": json.dumps(message)})
        self._wait(lambda: number in self.replies)
        return self.replies.pop(number, None)

    def worker_value(self, expression: str) -> Any:
        reply = self.worker("Runtime.evaluate", {"expression": expression, "returnByValue": True})
        return (reply or {}).get("result", {}).get("value")

    def _wait(self, done: Callable[[], bool], timeout: float = 5.0) -> None:
        # The sync API delivers protocol events while it waits; waiting here is for a reply.
        end = time.monotonic() + timeout
        while not done() and time.monotonic() < end:
            self.page.wait_for_timeout(5)

    def close(self) -> None:
        try:
            self.session.detach()
        except Exception:  # the frame may be gone already
            pass


# Read in the worker (or the bare page) once Python is live: its marks and the size of Pyodide's memory.
READ = """() => {
  const bench = globalThis.__bench;
  if (!bench) return null;
  const runtime = bench.runtime;
  const heap = runtime && runtime._module && runtime._module.HEAP8;
  return { marks: bench.marks, wasm: heap ? heap.buffer.byteLength : null };
}"""
