"""Sandboxed worker processes: untrusted documents are parsed, rendered and OCR'd in a small
pool of long-lived child processes with time and memory limits, never in the app's process."""
