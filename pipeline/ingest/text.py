"""Reader for converted text (``.txt``, ``.md``): bytes → NFC text, with clear errors for bad input.

Korean public files are often CP949 / EUC-KR rather than UTF-8, so decoding tries, in order:
a BOM (UTF-8, UTF-16 or UTF-32), strict UTF-8, then strict CP949 (a superset of EUC-KR). Nothing else is rewritten:
``documents.text`` is exactly this decoded, NFC-normalised string.
"""

from __future__ import annotations

import unicodedata

from pipeline.errors import BinaryDocumentError, EmptyDocumentError, EncodingError
from pipeline.limits import LIMITS

_BOMS = (
    (b"\xef\xbb\xbf", "utf-8-sig"),
    # UTF-32's marks before UTF-16's: FF FE 00 00 also starts with UTF-16-LE's FF FE
    (b"\xff\xfe\x00\x00", "utf-32"),
    (b"\x00\x00\xfe\xff", "utf-32"),
    (b"\xff\xfe", "utf-16"),
    (b"\xfe\xff", "utf-16"),
)

# Control characters that never occur in real text (tab, LF, CR, FF are allowed).
_CONTROL = {c for c in range(32) if c not in (9, 10, 12, 13)} | {127}


def _looks_binary(data: bytes) -> str | None:
    sample = data[:8192]
    if b"\x00" in sample:
        return "it contains NUL bytes"
    magic = {
        b"%PDF": "a PDF",
        b"PK\x03\x04": "a ZIP archive (HWPX, DOCX or XLSX?)",
        b"\xd0\xcf\x11\xe0": "an OLE2 file (legacy .hwp, .doc or .xls?)",
        b"\x89PNG": "a PNG image",
        b"\xff\xd8\xff": "a JPEG image",
        b"GIF8": "a GIF image",
    }
    for prefix, what in magic.items():
        if sample.startswith(prefix):
            return f"it is {what}"
    controls = sum(1 for b in sample if b in _CONTROL)
    if controls > max(8, len(sample) // 100):
        return f"{controls} control bytes in its first {len(sample)} bytes"
    return None


def decode_text(data: bytes) -> tuple[str, str]:
    """Decode document bytes; return ``(nfc_text, encoding)``.

    Raises :class:`EmptyDocumentError`, :class:`BinaryDocumentError` or :class:`EncodingError`
    with a message that says what was found.
    """
    if not data.strip():
        raise EmptyDocumentError(
            "the file is empty"
            if not data
            else f"the file holds only whitespace ({len(data)} bytes)"
        )
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            try:
                return _finish(data.decode(encoding), encoding)
            except UnicodeDecodeError as exc:
                raise EncodingError(
                    f"the file starts with a {encoding} byte-order mark but is not valid {encoding}: {exc.reason} at byte {exc.start}"
                ) from None
    reason = _looks_binary(data)
    if reason:
        raise BinaryDocumentError(f"this is not a text document: {reason}")
    try:
        return _finish(data.decode("utf-8"), "utf-8")
    except UnicodeDecodeError as exc:
        utf8_error = exc
    try:
        return _finish(data.decode("cp949"), "cp949")
    except UnicodeDecodeError:
        pass
    raise EncodingError(
        "the text is neither UTF-8 nor CP949/EUC-KR "
        f"(first invalid UTF-8 byte 0x{data[utf8_error.start]:02x} at offset {utf8_error.start}); "
        "re-save it as UTF-8"
    )


def _finish(text: str, encoding: str) -> tuple[str, str]:
    nuls = text.count("\x00")
    if nuls and nuls > LIMITS.max_nul_share * len(text):
        raise BinaryDocumentError(
            f"the file decodes ({encoding}) to {nuls} NUL characters among {len(text)}: it is "
            "not text, or saved in an encoding other than the one its byte-order mark names"
        )
    text = unicodedata.normalize("NFC", text)
    if not text.strip():
        raise EmptyDocumentError("the file decodes to whitespace only")
    return text, encoding


def read_text(data: bytes) -> str:
    """Reader for ``.txt`` and ``.md``: the decoded text itself."""
    return decode_text(data)[0]
