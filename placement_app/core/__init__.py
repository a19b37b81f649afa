"""The model of a call: what Bitrix24 says, and what the card makes of it.

Knows nothing of pages, HTML, the browser or the portal's HTTP API: it runs
and is tested under plain CPython.  Layered bottom-up, each module importing
only those before it:

- ``untrusted``: the rules for values from outside (clipping, previews,
  tokens, yes/no flags); imports nothing of the app;
- ``events``: whatever the frame delivered, as frozen dataclasses; imports
  only ``untrusted``;
- ``timeline``: pure state, ``apply(timeline, event)``; the clock is the
  events' arrival time;
- ``i18n``, then ``codes``: the words, and the catalogue of failure codes;
- ``settings``: the admin's settings, one typed and versioned model.

May import: the standard library and ``placement_app.core`` only.
"""
