"""The text engine: pure Python, no Flask, no database, no users.

``splitting`` turns an article body into claims with exact character spans; ``html`` and
``htmlscan`` turn a page into that body without losing text silently; ``anchoring`` re-finds
claims in a corrected version; ``agreement`` measures how often reviewers agree; ``markup``
renders a note's Markdown through the sanitiser. Everything here takes text in and gives
frozen dataclasses with character offsets out.
"""
