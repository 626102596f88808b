"""News statements from RSS and Atom feeds.

`fetching` gets a feed over HTTP (conditional GET, limits), `entries` reads it into statement fields
(pure), `dates_mentioned` finds the dates it gives for the treaties it names (pure), and `ingest` stores
statements, links and suggestions for editors to review.
"""
