"""Whether the desk can open a window here: a server or SSH session has no display."""

from __future__ import annotations

from collections.abc import Mapping

_WINDOWED_PLATFORMS = ("xcb", "wayland")


def missing_display(environ: Mapping[str, str], platform: str) -> str | None:
    """Why the desk cannot show a window (one line), or None when it can try.

    Only Linux and the BSDs need a display server; a Qt platform chosen by the user that
    needs none (offscreen, vnc, eglfs...) is left to Qt."""
    if not platform.startswith(("linux", "freebsd", "openbsd", "netbsd")):
        return None
    chosen = environ.get("QT_QPA_PLATFORM", "")
    if chosen and not chosen.startswith(_WINDOWED_PLATFORMS):
        return None
    if environ.get("DISPLAY") or environ.get("WAYLAND_DISPLAY"):
        return None
    return (
        "there is no display to open the desk window on (DISPLAY and WAYLAND_DISPLAY are "
        "not set); everything the desk does works from the command line: sourcemark --help"
    )
