"""Article ingestion without Flask or a database: HTML text extraction and an SSRF-safe URL fetcher.

``html.extract_html`` turns a page into plain text and metadata; ``fetch.fetch_url`` fetches a
page from the public internet only (HOSTILE.md §2.14, §2.15). The lead wires both into services.
"""
