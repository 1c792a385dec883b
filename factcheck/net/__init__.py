"""Talking to other machines under one address policy (HOSTILE.md §2.14).

``policy`` holds the URL and address rules (what may be fetched or called back);
``fetch`` fetches one public page for URL import; the transport pins every connection to an
address the policy allowed.
"""
