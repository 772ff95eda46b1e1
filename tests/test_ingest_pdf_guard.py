"""The PDF guard's sizing of LZW and run-length streams (pipeline/ingest/pdf_guard.py): the
size it computes from the codes alone equals what pdfminer decodes, and a bomb is stopped at
the cap without its output ever being made."""

from __future__ import annotations

import time

import pytest
from hostile_inputs import lzw_pack, lzw_repeated
from pdfminer.lzw import lzwdecode
from pdfminer.runlength import rldecode

from pipeline.ingest.pdf_guard import lzw_size, runlength_size


@pytest.mark.parametrize(
    "codes",
    [
        [256, 65, 66, 258, 259, 257],  # codes naming earlier strings, and the one being made
        [256, 65, 258, 259, 256, 66, 258, 257],  # a clear in the middle
        [256, *b"LZW in a PDF", 257],  # no repeats at all
    ],
)
def test_lzw_size_is_what_pdfminer_decodes(codes):
    data = lzw_pack(codes)
    assert lzw_size(data, 10**9) == len(lzwdecode(data))


def test_lzw_size_over_the_widths_of_a_whole_dictionary():
    data = lzw_repeated(65, 2)  # every width, 9 to 12 bits, and a clear between cycles
    assert lzw_size(data, 10**9) == len(lzwdecode(data)) == 2 * sum(range(1, 3839))


def test_an_lzw_bomb_is_stopped_at_the_cap():
    data = lzw_repeated(32, 300)  # 1.6 MB of codes, 2.2 GB of spaces
    started = time.process_time()
    assert lzw_size(data, 16 << 20) > 16 << 20
    assert time.process_time() - started < 5  # it stops at the cap, not at the end


@pytest.mark.parametrize(
    "data",
    [b"\x02abc\x80", b"\x81 " * 100 + b"\x00z\x80", b"\xff-", b""],
)
def test_runlength_size_is_what_pdfminer_decodes(data):
    assert runlength_size(data, 10**9) == len(rldecode(data))
