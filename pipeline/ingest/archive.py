"""Zip archives read within limits: every member's size checked as declared and while inflating.

A zip member's header states its inflated size, but the header can lie, and an honest one
can state gigabytes for a file of a few kilobytes. :class:`BoundedZip` refuses a member that
declares more than :attr:`ReaderLimits.max_member_bytes`, inflates each one in chunks and
stops as soon as it passes the limit, and keeps a running total over every member read (the
manifest too) against :attr:`ReaderLimits.max_archive_bytes`. (``zipfile`` itself stops a
member at its declared size, and one that lied about it then fails its CRC check: the
chunked read is a second guard, not the only one.)
Every way a damaged archive fails — a bad CRC, an encrypted entry, a compression method the
standard library lacks, XML that does not parse — ends as a plain error about the input.
"""

from __future__ import annotations

import io
import xml.etree.ElementTree as ET
import zipfile
import zlib
from collections.abc import Iterator
from contextlib import contextmanager

from pipeline.errors import (
    DamagedDocumentError,
    DocumentTooLargeError,
    EncryptedDocumentError,
    UnsupportedCompressionError,
)
from pipeline.limits import LIMITS, ReaderLimits, human_size

_CHUNK = 1 << 20
_METHODS = {
    zipfile.ZIP_STORED: "stored",
    zipfile.ZIP_DEFLATED: "deflate",
    zipfile.ZIP_BZIP2: "bzip2",
    zipfile.ZIP_LZMA: "LZMA",
}
# What a damaged member raises while it is inflated (zipfile, zlib, bz2 and lzma errors).
_DAMAGE = (zipfile.BadZipFile, zlib.error, EOFError, OSError, ValueError)


class BoundedZip:
    def __init__(self, zf: zipfile.ZipFile, what: str, limits: ReaderLimits = LIMITS) -> None:
        self.zf = zf
        self.what = what
        self.limits = limits
        self.names = set(zf.namelist())
        self.inflated = 0  # bytes inflated so far, over every member read

    def read(self, name: str) -> bytes:
        """The member's bytes, or a plain error: refused before inflating when its header
        declares too much, stopped while inflating as soon as it passes the limit."""
        lim = self.limits
        try:
            info = self.zf.getinfo(name)
        except KeyError:
            raise DamagedDocumentError(f"the {self.what} has no {name} part") from None
        if info.flag_bits & 0x1:
            raise EncryptedDocumentError(
                f"the zip member {name} of the {self.what} is encrypted (password-protected); "
                "gyeoljae cannot read it"
            )
        if info.compress_type not in _METHODS:
            raise UnsupportedCompressionError(
                f"the zip member {name} of the {self.what} is packed with compression method "
                f"{info.compress_type}, which gyeoljae cannot unpack "
                f"(it reads {', '.join(_METHODS.values())})"
            )
        cap = min(lim.max_member_bytes, lim.max_archive_bytes - self.inflated)
        if info.file_size > lim.max_member_bytes:
            raise DocumentTooLargeError(
                f"the zip member {name} of the {self.what} declares {human_size(info.file_size)} "
                f"inflated, over the {human_size(lim.max_member_bytes)} limit for one part"
            )
        if info.file_size > cap:
            raise DocumentTooLargeError(
                f"the {self.what}'s parts inflate to more than {human_size(lim.max_archive_bytes)} "
                f"together (at {name}), over the limit for one document"
            )
        chunks: list[bytes] = []
        got = 0
        try:
            with self.zf.open(name) as member:
                while chunk := member.read(min(_CHUNK, cap + 1 - got)):
                    chunks.append(chunk)
                    got += len(chunk)
                    if got > cap:
                        limit = min(lim.max_member_bytes, lim.max_archive_bytes)
                        raise DocumentTooLargeError(
                            f"the zip member {name} of the {self.what} inflates past "
                            f"{human_size(limit)} (its header declared {human_size(info.file_size)}): refused"
                        )
        except RuntimeError as exc:  # zipfile: 'File … is encrypted, password required'
            raise EncryptedDocumentError(
                f"the zip member {name} of the {self.what} is encrypted ({exc})"
            ) from None
        except NotImplementedError as exc:
            raise UnsupportedCompressionError(
                f"the zip member {name} of the {self.what} cannot be unpacked ({exc})"
            ) from None
        except _DAMAGE as exc:
            raise DamagedDocumentError(
                f"the zip member {name} of the {self.what} is damaged ({exc})"
            ) from None
        self.inflated += got
        return b"".join(chunks)

    def parse_xml(self, name: str) -> ET.Element:
        data = self.read(name)
        try:
            return ET.fromstring(data)
        except ET.ParseError as exc:
            raise DamagedDocumentError(
                f"{name} of the {self.what} is damaged or encrypted: not well-formed XML ({exc})"
            ) from None


@contextmanager
def open_zip(data: bytes, what: str, limits: ReaderLimits = LIMITS) -> Iterator[BoundedZip]:
    try:
        zf = zipfile.ZipFile(io.BytesIO(data))
    except (zipfile.BadZipFile, *_DAMAGE, NotImplementedError) as exc:
        raise DamagedDocumentError(
            f"the {what} is not a readable zip archive (truncated or damaged: {exc})"
        ) from None
    with zf:
        yield BoundedZip(zf, what, limits)
