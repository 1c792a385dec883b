"""Work done after the request: webhook sends and PDF renders.

A change writes its job in the same transaction (the outbox); a worker process runs it.
"""
