"""The local Bitrix24 portal: a development tool, never part of the product.

- ``server``: the two loopback servers, the card's built site and the
  emulated portal (``python -m emulator`` builds the site and starts both);
- ``portal``: what the emulated portal knows (calls, the app's installation,
  its options) and its REST answers, in Bitrix24's shapes;
- ``web/``: the portal's call-card page, the parent side of the frame protocol;
- ``driver``: plays a call in that page and reads the card, for tests and
  benchmarks (Playwright).

It imports the product's ``build`` (to build and to send the site's
headers); the product never imports it.
"""
