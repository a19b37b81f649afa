"""The admin's pages: the app's settings page and its install page.

Each page's JavaScript only collects and shows; what to show, and whether a
value is acceptable, is decided here.

- ``page``: what both pages share (events in, messages out);
- ``settings_page``: editing and saving the settings;
- ``install``, ``install_page``: binding the call-card tab once, then
  telling the portal the install is finished.

May import: ``core``, ``portal``; and ``browser`` only inside each page's
``main()``.  Never ``card``.
"""
