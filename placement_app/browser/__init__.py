"""The browser seam: the only place that imports ``js`` and ``pyodide.ffi``.

- ``bridge``: messages to the page, timers, proxies, HTTP; imported only by
  the pages' ``main()`` functions, inside Pyodide;
- ``remote_dom``: a document that records DOM operations for the page to
  apply (the view runs in a worker, which has no DOM);
- ``mirror``: the page's storage as the worker sees it;
- ``frame_requests``: portal commands sent through the page whose replies
  the worker waits for (``refreshAuth``).

May import: ``core`` only (``remote_dom``, ``mirror`` and ``frame_requests``
import nothing of the app, so they are tested under CPython).
"""
