"""Sourcemark, the annotation desk for journalists.

The code lives in the repository's top-level folders (`app/`, `db/`, `ui/`, `resources/`);
this package gathers them under one distinctive name (symbolic links in a checkout, real
folders once installed), so an installed Sourcemark adds nothing to site-packages but
`sourcemark`.
"""

__version__ = "0.2.0"
