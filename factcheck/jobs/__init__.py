"""Work done after the request: webhook sends and PDF renders, as jobs.

A change writes its job in the same transaction (the outbox, models.job); ``queue`` claims
and leases jobs, ``worker`` is the one loop that runs them (`flask worker`), one handler
per kind (``webhooks``, ``render``); ``inline`` lets the app process run some kinds itself
when configured.
"""
