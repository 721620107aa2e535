"""The user's own settings, shared by every library: a small JSON file in the user's config
folder (`SOURCEMARK_SETTINGS` names another file)."""

from __future__ import annotations

import json
import os
import re
from pathlib import Path
from typing import Any

import platformdirs

from sourcemark.app.errors import SourcemarkError

DEFAULT_OCR_LANGUAGE = "eng"
# Tesseract's language names (eng, deu, chi_sim), joined by "+" for a page in several.
_OCR_LANGUAGE = re.compile(r"[a-z]{3}(_[a-z]{1,8})?(\+[a-z]{3}(_[a-z]{1,8})?){0,7}")


def settings_path() -> Path:
    configured = os.environ.get("SOURCEMARK_SETTINGS")
    if configured:
        return Path(configured).expanduser()
    return platformdirs.user_config_path("Sourcemark", appauthor=False) / "settings.json"


def checked_ocr_language(value: str) -> str:
    """A Tesseract language such as "eng" or "eng+deu", or a `SourcemarkError` saying so."""
    language = value.strip().lower()
    if not _OCR_LANGUAGE.fullmatch(language):
        raise SourcemarkError(
            f"OCR language {value!r} is not a Tesseract language such as eng, deu or eng+deu"
        )
    return language


def ocr_language() -> str:
    """The language scans are read in when an import does not say (default "eng")."""
    value = _load().get("ocr_language", DEFAULT_OCR_LANGUAGE)
    try:
        return checked_ocr_language(str(value))
    except SourcemarkError:
        return DEFAULT_OCR_LANGUAGE


def set_ocr_language(value: str) -> str:
    """Remember the OCR language for later imports; returns it as stored."""
    language = checked_ocr_language(value)
    _save({**_load(), "ocr_language": language})
    return language


def _load() -> dict[str, Any]:
    try:
        data = json.loads(settings_path().read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return data if isinstance(data, dict) else {}


def _save(data: dict[str, Any]) -> None:
    path = settings_path()
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        partial = path.with_name(path.name + ".partial")
        partial.write_text(json.dumps(data, indent=2) + "\n", encoding="utf-8")
        partial.replace(path)
    except OSError as error:
        raise SourcemarkError(f"cannot save the settings to {path}: {error.strerror}") from None
