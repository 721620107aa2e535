"""About Sourcemark: the bundled libraries and their licences, read from their metadata."""

from __future__ import annotations

from sourcemark import __version__
from sourcemark.app.about import bundled_libraries, version


def test_every_library_sourcemark_runs_on_is_named_with_its_licence() -> None:
    libraries = {library.name.lower(): library for library in bundled_libraries()}
    for name in ("pyside6-essentials", "sqlite-utils", "whoosh-reloaded", "pypdf", "regex"):
        assert name in libraries, name
        assert libraries[name].version and libraries[name].licence
    assert "LGPL" in libraries["pyside6-essentials"].licence
    assert libraries["sqlite-utils"].licence == "Apache-2.0"
    assert "pytest" not in libraries and "mypy" not in libraries  # test tools are not bundled
    assert version() == __version__
