"""Korean morphological analysis (kiwipiepy), loaded once per worker process.

``Kiwi()`` costs about a second and ~260 MB, so it is created lazily on first use and shared;
its model comes from the ``kiwipiepy_model`` package (no download at run time). Calls are
serialised with a lock, since Prefect may run tasks in threads.
"""

from __future__ import annotations

import threading
from functools import cache, lru_cache

from kiwipiepy import Kiwi

_lock = threading.Lock()


@cache
def kiwi() -> Kiwi:
    k = Kiwi()
    k.tokenize("추진 배경")  # the first analysis builds Kiwi's lazy tables (~1.5 s): pay it at load
    return k


@lru_cache(maxsize=8192)
def restore_spacing(text: str) -> str:
    """Word spacing for text written without it: ``추진배경`` → ``추진 배경``.

    Kiwi's ``space`` costs ~60 ms a call; letter-spaced headings are a small, repeating
    vocabulary (추진 배경, 행정 사항 …), so results are cached."""
    with _lock:
        return str(kiwi().space(text))


def first_sentence(text: str) -> str:
    """The first sentence of ``text`` as Kiwi splits it (verb endings, ``?``, ``.``)."""
    with _lock:
        sents = kiwi().split_into_sents(text)
    return sents[0].text if sents else text


def tokenize_many(texts: list[str]) -> list[list]:  # list of kiwipiepy Token lists
    """Kiwi's tokens for many short texts in one call (Kiwi batches them internally)."""
    with _lock:
        return [list(t) for t in kiwi().tokenize(texts)]


def spaced_junctions(pairs: list[tuple[str, str]]) -> list[bool]:
    """For each (end of a line, start of the next): does a word break fall between them?

    A line of an original wraps either between words or inside one (``재정건`` / ``전성``).
    Kiwi re-spaces the two fragments written together; a space at the junction means the
    wrap was between words. One batched call for all the junctions of a document."""
    if not pairs:
        return []
    with _lock:
        spaced = list(kiwi().space([a + b for a, b in pairs]))
    out = []
    for (a, _), s in zip(pairs, spaced, strict=True):
        seen = 0
        i = 0
        while i < len(s) and seen < len(a):
            if not s[i].isspace():
                seen += 1
            i += 1
        out.append(i < len(s) and s[i].isspace())
    return out
