"""Why a document could not be processed, and at which stage.

Two families, as the flows treat them differently:

* :class:`BadInputError` — the document itself is unusable (empty, binary, undecodable …).
  Deterministic: never retried, goes straight to the ``errors`` table.
* :class:`TransientError` — the environment failed (a file vanished or could not be read).
  Retried by the flow's I/O tasks before it is recorded.

:class:`StageFailed` wraps either with the stage name (like dlt's ``PipelineStepFailed``),
so an ``errors`` row always says where and why.
"""

from __future__ import annotations


class GyeoljaeError(Exception):
    """Base class of the errors this package raises on purpose."""


class BadInputError(GyeoljaeError):
    """The document cannot be processed as it is; re-trying will not help."""


class EmptyDocumentError(BadInputError):
    pass


class BinaryDocumentError(BadInputError):
    pass


class EncodingError(BadInputError):
    pass


class UnsupportedFormatError(BadInputError):
    pass


class DocumentTooLargeError(BadInputError):
    pass


class DuplicateDocumentError(BadInputError):
    pass


class EncryptedDocumentError(BadInputError):
    """A password-protected PDF, or a distribution-protected (배포용) HWPX."""


class DamagedDocumentError(BadInputError):
    """A truncated or corrupt PDF / HWPX container."""


class ScannedDocumentError(BadInputError):
    """An original with no text layer (a scan): OCR is out of scope."""


class UnreadableTextError(BadInputError):
    """A text layer that does not decode to text: ``(cid:N)`` codes, private-use glyphs."""


class TransientError(GyeoljaeError):
    """An I/O failure that may succeed on a later attempt."""


class OutputLockedError(GyeoljaeError):
    """Another run holds the output directory."""


class StageFailed(GyeoljaeError):
    """A document failed at a named stage of the pipeline."""

    def __init__(self, stage: str, source_path: str, cause: BaseException) -> None:
        self.stage = stage
        self.source_path = source_path
        self.cause = cause
        super().__init__(f"{source_path}: {stage} failed: {describe(cause)}")

    @property
    def error_type(self) -> str:
        return type(self.cause).__name__

    @property
    def retryable(self) -> bool:
        return isinstance(self.cause, TransientError)


def describe(exc: BaseException) -> str:
    """A one-line message a person understands, for any exception."""
    if isinstance(exc, GyeoljaeError):
        return str(exc)
    text = str(exc).strip() or "no further detail"
    return f"unexpected {type(exc).__name__}: {text} (this is a bug in gyeoljae, please report it)"


# ── a document's run under supervision, and paths outside the input (issue 14) ──
class DocumentTimeoutError(BadInputError):
    """The document took longer than its time budget in a worker process."""


class DocumentMemoryError(BadInputError):
    """The document needed more memory than its ceiling in a worker process."""


class WorkerCrashedError(GyeoljaeError):
    """The worker process died (a crash, an out-of-memory kill) while on the document."""


class UnsafePathError(BadInputError):
    """A symbolic link under the input root that points outside it (or nowhere)."""


# ---- reader limits (issue 14): a document that asks for more work than a reader allows


class TableTooLargeError(BadInputError):
    """A table whose declared grid (rows × columns, as its spans declare it) is over the limit."""


class TooDeeplyNestedError(BadInputError):
    """Tables nested inside tables' cells deeper than a real document nests them."""


class UnsupportedCompressionError(BadInputError):
    """A zip member packed with a compression method the standard library cannot unpack."""
