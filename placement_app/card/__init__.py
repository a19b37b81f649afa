"""The call card: the operator's view of the call, kept across reloads.

- ``view``: draws the timeline with text nodes only, incrementally;
- ``storage``: the timeline per ``CALL_ID`` in the page's storage;
- ``persistence``: when the card saves, what the page is told is saved, and what a reloaded card
  of the same call picks up;
- ``keep_open``: when the card lets the portal close it (held from bind; let go at once after an
  answered call, after the outcome and the admin's time after a failed one; pure, clock in);
- ``statistics``: finding a lost failure code in the portal's call statistics (what to ask, what
  each reply means); ``lookup``: that conversation, in the background;
- ``page``: the page as the card needs it (one protocol: clock, console, what it is told);
- ``teller``: what the page hears besides the drawing (the live region, "Copy for support",
  fitting the frame), each thing once;
- ``app``: the wiring, and ``main()``, which the page's worker starts.

May import: ``core``, ``portal``; and ``browser`` only inside ``main()``, the
one place that meets the browser, so everything else runs under CPython.
"""
