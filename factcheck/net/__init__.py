"""Talking to other machines under one address policy (HOSTILE.md §2.14).

``policy`` holds the URL and address rules and the limits of a call (what may be fetched
or called back); ``client`` is the one resolve-check-connect path, on httpcore, pinned to
an address the policy allowed, with one total deadline (URL import and webhook sends);
``fetch`` fetches one public page for URL import, following redirects by hand.
"""
