"""Where a bundle is written: never over an existing file unless asked, and with the user's
usual permissions (so colleagues on a shared drive can read it)."""

from __future__ import annotations

import os
import stat
import zipfile
from collections.abc import Iterator
from pathlib import Path

import pytest

from sourcemark.__main__ import main
from sourcemark.app.bundles import export_bundle
from sourcemark.app.bundles.bag import write_zip
from sourcemark.app.errors import BundleError
from sourcemark.app.importers import from_pasted_text
from sourcemark.app.library import Library
from sourcemark.app.opening import open_library


@pytest.fixture
def umask() -> Iterator[None]:
    """Run the test under the umask it sets, and restore the process's afterwards."""
    previous = os.umask(0o022)
    yield
    os.umask(previous)


@pytest.fixture
def story(bare_library: Library) -> Library:
    bare_library.import_source(from_pasted_text("Council story\n\nThe council voted."))
    return bare_library


@pytest.mark.parametrize("mask, mode", [(0o022, 0o644), (0o002, 0o664), (0o077, 0o600)])
def test_a_bundle_gets_the_permissions_the_umask_gives(
    story: Library, tmp_path: Path, umask: None, mask: int, mode: int
) -> None:
    os.umask(mask)
    out = tmp_path / "shared" / "story.zip"
    export_bundle(story, out)
    assert stat.S_IMODE(out.stat().st_mode) == mode
    assert [p.name for p in out.parent.iterdir()] == ["story.zip"]  # no temporary left


def test_an_existing_file_is_kept_unless_replacing_is_asked_for(
    story: Library, tmp_path: Path
) -> None:
    out = tmp_path / "shared" / "story.zip"
    out.parent.mkdir()
    out.write_bytes(b"the editor's copy")
    with pytest.raises(BundleError, match="story.zip already exists"):
        export_bundle(story, out)
    assert out.read_bytes() == b"the editor's copy"
    assert [p.name for p in out.parent.iterdir()] == ["story.zip"]
    export_bundle(story, out, replace=True)
    assert zipfile.is_zipfile(out)


def test_the_command_line_refuses_to_overwrite_without_force(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    lib, out = tmp_path / "lib", tmp_path / "story.zip"
    with open_library(lib, with_index=False) as library:
        library.import_source(from_pasted_text("Council story\n\nThe council voted."))
    out.write_bytes(b"keep me")
    assert main(["export", "--out", str(out), "--all", "--library", str(lib)]) == 1
    err = capsys.readouterr().err
    assert (
        err == f"sourcemark: {out} already exists: choose another name, or replace it (--force)\n"
    )
    assert out.read_bytes() == b"keep me"
    assert main(["export", "--out", str(out), "--all", "--force", "--library", str(lib)]) == 0
    assert zipfile.is_zipfile(out)


def test_a_file_that_appears_while_writing_is_not_replaced(tmp_path: Path) -> None:
    out = tmp_path / "story.zip"
    real_link = os.link

    def taken_meanwhile(source: Path, target: Path) -> None:
        out.write_bytes(b"written by someone else meanwhile")
        real_link(source, target)

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(os, "link", taken_meanwhile)
        with pytest.raises(FileExistsError):
            write_zip({"bagit.txt": b"x"}, out, "story")
    assert out.read_bytes() == b"written by someone else meanwhile"
    assert [p.name for p in tmp_path.iterdir()] == ["story.zip"]
