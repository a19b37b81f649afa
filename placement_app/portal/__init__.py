"""The one client of the Bitrix24 portal: REST over HTTP, one error map.

May import: ``core`` only.  The HTTP call itself is handed in (the browser
seam provides it), so the client runs under CPython.
"""
