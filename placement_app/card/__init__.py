"""The call card: the operator's view of the call, kept across reloads.

- ``view``: draws the timeline with text nodes only, incrementally;
- ``replay``: a reloaded card's call rebuilt from the call's event log, which the page writes as
  each event comes (nothing else is saved);
- ``quick``: the card's words as tables for the quick view the page draws before Python is live,
  and the rows the page keeps for the call's next page;
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
