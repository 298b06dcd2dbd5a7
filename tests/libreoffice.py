"""Render a .docx to PDF with LibreOffice, as a reader would open it (skipped without LibreOffice, failed on CI)."""

import os
import shutil
import subprocess
from pathlib import Path

import pytest


def convert_to_pdf(source: Path) -> bytes:
    soffice = shutil.which("soffice")
    if soffice is None:
        if os.environ.get("CI"):
            pytest.fail("soffice (LibreOffice) is missing on CI")
        pytest.skip("soffice (LibreOffice) is not installed")
    outdir = source.parent
    subprocess.run(  # noqa: S603
        [
            soffice,
            f"-env:UserInstallation={(outdir / 'profile').as_uri()}",  # not the user's, which may be in use
            "--headless",
            "--convert-to",
            "pdf",
            "--outdir",
            str(outdir),
            str(source),
        ],
        check=True,
        capture_output=True,
        timeout=180,
    )
    return source.with_suffix(".pdf").read_bytes()
