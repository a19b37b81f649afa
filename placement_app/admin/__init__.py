"""The admin's pages: the app's settings page, its install page, and the failure report's parts.

Each page's JavaScript only collects and shows; what to show, and whether a
value is acceptable, is decided here.

- ``page``: what both pages share (events in, messages out);
- ``settings_page``: editing and saving the settings;
- ``install``, ``install_page``: binding the call-card tab once, then
  telling the portal the install is finished;
- ``report``: the failure report's numbers (records taken at the edge,
  the cache's rows, counts, a code's calls, CSV); imports ``core`` only,
  so that it is the same pure code wherever it runs;
- ``records``: loading the records within the portal's REST limits, and
  the operators' names;
- ``report_page``: the report's page (what is loaded, kept, counted, worded
  and drawn).

May import: ``core``, ``portal``; and ``browser`` only inside each page's
``main()``.  Never ``card``.
"""
