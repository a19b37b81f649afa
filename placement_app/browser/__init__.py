"""The browser seam: the only place that imports ``js`` and ``pyodide.ffi``.

- ``bridge``: messages to the page, timers, proxies, HTTP; imported only by
  the pages' ``main()`` functions, inside Pyodide;
- ``remote_dom``: a document that records DOM operations for the page to
  apply (the view runs in a worker, which has no DOM);
- ``frame_requests``: portal commands sent through the page whose replies
  the worker waits for (``refreshAuth``);
- ``restored``: the start-up snapshot's mark, and the worker's check of a
  runtime restored from it;
- ``protocol``: the messages between a page and its worker, which the build
  exports for the page's JavaScript.

May import: ``core`` only (the other modules import nothing of the app but
``protocol``, which imports nothing, so they are tested under CPython).
"""
