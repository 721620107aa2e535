"""Data files: style sheets, the report CSS and the demo sample (read with importlib.resources)."""
