"""Pages of a PDF as raw pixels for the in-app preview (pypdfium2; QtPdf is not in PySide6's PyPI wheels)."""

from __future__ import annotations

from dataclasses import dataclass

import pypdfium2 as pdfium


@dataclass(frozen=True)
class PagePixels:
    """One page as 24-bit BGR rows, ready to wrap in a QImage on the UI thread."""

    width: int
    height: int
    stride: int
    data: bytes


def render_pages(pdf: bytes, *, dpi: float = 96.0) -> list[PagePixels]:
    """Rasterize every page; about 0.2 s a page here, so callers run it on a worker thread."""
    document = pdfium.PdfDocument(pdf)
    try:
        pages = []
        for index in range(len(document)):
            page = document[index]
            bitmap = page.render(scale=dpi / 72.0)
            pages.append(PagePixels(bitmap.width, bitmap.height, bitmap.stride, bytes(bitmap.buffer)))
            bitmap.close()
            page.close()
        return pages
    finally:
        document.close()
