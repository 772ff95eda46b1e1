"""Small hostile and pathological input files, generated (never stored): the cases of issue 14.

Each generator returns the bytes of one file; :data:`HOSTILE` maps a file name to its
generator and :data:`GOOD` does the same for a few good files to put beside them. Every file
is small on disk (at most a few MB); what makes it hostile is what it declares or inflates to.

Usable from a script: ``python tests/hostile_inputs.py OUT_DIR`` writes them all to OUT_DIR.
"""

from __future__ import annotations

import io
import struct
import sys
import zipfile
import zlib
from collections.abc import Callable
from pathlib import Path

NS = (
    'xmlns:hp="http://www.hancom.co.kr/hwpml/2011/paragraph" '
    'xmlns:hs="http://www.hancom.co.kr/hwpml/2011/section"'
)
_HPF = (
    '<?xml version="1.0"?><opf:package xmlns:opf="http://www.idpf.org/2007/opf/"><opf:manifest>'
    '<opf:item id="section0" href="Contents/section0.xml"/></opf:manifest>'
    '<opf:spine><opf:itemref idref="section0"/></opf:spine></opf:package>'
)
GOOD_PARAGRAPH = "<hp:p><hp:run><hp:t>Ⅰ. 추진 배경 : 예산 1,000천원</hp:t></hp:run></hp:p>"

# ---------------------------------------------------------------- zip building blocks


def _repeated_deflate(head: bytes, chunk: bytes, times: int, tail: bytes) -> tuple[bytes, int]:
    """Raw deflate of ``head + chunk * times + tail`` built in O(len(chunk)) time, not
    O(times): after a full flush the compressor references nothing before it, so a chunk
    compressed after one flush gives the same bytes every time. Returns (data, crc32)."""
    c = zlib.compressobj(9, zlib.DEFLATED, -15)
    first = c.compress(head) + c.flush(zlib.Z_FULL_FLUSH)
    c.compress(chunk)
    block = c.flush(zlib.Z_FULL_FLUSH)
    again = c.compress(chunk) + c.flush(zlib.Z_FULL_FLUSH)
    assert again == block, "full-flushed blocks should repeat"
    end = c.compress(tail) + c.flush(zlib.Z_FINISH)
    crc = zlib.crc32(head)
    step = 64
    crc_block = chunk * step
    for _ in range(times // step):
        crc = zlib.crc32(crc_block, crc)
    for _ in range(times % step):
        crc = zlib.crc32(chunk, crc)
    crc = zlib.crc32(tail, crc)
    return first + block * times + end, crc


class RawZip:
    """A zip written member by member with any header values (sizes, flags, methods)."""

    def __init__(self) -> None:
        self.out = io.BytesIO()
        self.central: list[bytes] = []

    def add(
        self,
        name: str,
        data: bytes,
        *,
        method: int = 0,
        crc: int | None = None,
        declared_size: int | None = None,
        flags: int = 0,
    ) -> None:
        raw_name = name.encode()
        size = declared_size if declared_size is not None else len(data)
        crc = zlib.crc32(data) if crc is None else crc
        offset = self.out.tell()
        self.out.write(
            struct.pack(
                "<4sHHHHHIIIHH",
                b"PK\x03\x04",
                20,
                flags,
                method,
                0,
                0x21,
                crc,
                len(data),
                size,
                len(raw_name),
                0,
            )  # fmt: skip
        )
        self.out.write(raw_name + data)
        self.central.append(
            struct.pack(
                "<4sHHHHHHIIIHHHHHII",
                b"PK\x01\x02",
                20,
                20,
                flags,
                method,
                0,
                0x21,
                crc,
                len(data),
                size,
                len(raw_name),
                0,
                0,
                0,
                0,
                0,
                offset,
            )  # fmt: skip
            + raw_name
        )

    def add_deflated(self, name: str, data: bytes) -> None:
        c = zlib.compressobj(6, zlib.DEFLATED, -15)
        self.add(
            name,
            c.compress(data) + c.flush(),
            method=8,
            crc=zlib.crc32(data),
            declared_size=len(data),
        )

    def bytes(self) -> bytes:
        start = self.out.tell()
        cd = b"".join(self.central)
        self.out.write(cd)
        n = len(self.central)
        self.out.write(struct.pack("<4sHHHHIIH", b"PK\x05\x06", 0, 0, n, n, len(cd), start, 0))
        return self.out.getvalue()


def hwpx(section_body: str, *, manifest: str = "<manifest/>", hpf: str = _HPF) -> bytes:
    """A minimal HWPX: mimetype, manifest, content.hpf and one section holding ``section_body``."""
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("mimetype", "application/hwp+zip")
        z.writestr("META-INF/manifest.xml", manifest)
        z.writestr("Contents/content.hpf", hpf)
        z.writestr("Contents/section0.xml", f"<hs:sec {NS}>{section_body}</hs:sec>")
    return buf.getvalue()


def _hwpx_members(**members: bytes) -> RawZip:
    z = RawZip()
    z.add("mimetype", b"application/hwp+zip")
    for name, data in members.items():
        z.add_deflated(
            name.replace("__", "/").replace("_xml", ".xml").replace("_hpf", ".hpf"), data
        )
    return z


def hwpx_cell(row: int, col: int, text: str, rs: int | str = 1, cs: int | str = 1) -> str:
    return (
        f"<hp:tc><hp:subList><hp:p><hp:run><hp:t>{text}</hp:t></hp:run></hp:p></hp:subList>"
        f'<hp:cellAddr colAddr="{col}" rowAddr="{row}"/>'
        f'<hp:cellSpan colSpan="{cs}" rowSpan="{rs}"/></hp:tc>'
    )


def hwpx_table(
    rows: int, cols: int, *, cells: str | None = None, col_cnt: str | None = None
) -> str:
    body = cells
    if body is None:
        body = "".join(
            "<hp:tr>" + "".join(hwpx_cell(r, c, f"{r}-{c}") for c in range(cols)) + "</hp:tr>"
            for r in range(rows)
        )
    return (
        f'<hp:p><hp:run><hp:tbl rowCnt="{rows}" colCnt="{col_cnt or cols}">{body}'
        "</hp:tbl></hp:run></hp:p>"
    )


# ---------------------------------------------------------------- HWPX cases


def hwpx_huge_rowspan() -> bytes:
    """A 1 KB HWPX whose one cell declares rowSpan=100000000."""
    cells = (
        "<hp:tr>" + hwpx_cell(0, 0, "구분", rs=100_000_000) + hwpx_cell(0, 1, "1,000") + "</hp:tr>"
    )
    return hwpx(GOOD_PARAGRAPH + hwpx_table(2, 2, cells=cells))


def hwpx_manifest_bomb() -> bytes:
    """META-INF/manifest.xml inflates to 2 GB (declared honestly in its header)."""
    data, crc = _repeated_deflate(b"<manifest>", b" " * (1 << 20), 2048, b"</manifest>")
    z = RawZip()
    z.add("mimetype", b"application/hwp+zip")
    z.add("META-INF/manifest.xml", data, method=8, crc=crc, declared_size=(2048 << 20) + 21)
    z.add_deflated("Contents/content.hpf", _HPF.encode())
    z.add_deflated("Contents/section0.xml", f"<hs:sec {NS}>{GOOD_PARAGRAPH}</hs:sec>".encode())
    return z.bytes()


def _big_section(times: int, declared: int | None = None) -> bytes:
    head = f"<hs:sec {NS}>".encode()
    chunk = (GOOD_PARAGRAPH * 4096).encode()  # ~300 KB of paragraphs
    data, crc = _repeated_deflate(head, chunk, times, b"</hs:sec>")
    size = len(head) + len(chunk) * times + len(b"</hs:sec>")
    z = RawZip()
    z.add("mimetype", b"application/hwp+zip")
    z.add_deflated("Contents/content.hpf", _HPF.encode())
    z.add("Contents/section0.xml", data, method=8, crc=crc, declared_size=declared or size)
    return z.bytes()


def hwpx_big_section() -> bytes:
    """A section that unpacks to ~190 MB of paragraphs (just under the old 200 MB guard)."""
    return _big_section(640)


def hwpx_lying_size() -> bytes:
    """A section whose header declares 1 KB but which inflates to ~190 MB."""
    return _big_section(640, declared=1000)


def hwpx_bad_col_count() -> bytes:
    return hwpx(GOOD_PARAGRAPH + hwpx_table(2, 2, col_cnt="두 칸"))


def hwpx_broken_content_hpf() -> bytes:
    return hwpx(GOOD_PARAGRAPH, hpf="<opf:package xmlns:opf='x'><opf:manifest><opf:item")


def hwpx_encrypted_entry() -> bytes:
    """The section's zip entry has the 'encrypted' flag (bit 0) set."""
    z = _hwpx_members(Contents__content_hpf=_HPF.encode())
    z.add("Contents/section0.xml", f"<hs:sec {NS}>{GOOD_PARAGRAPH}</hs:sec>".encode(), flags=1)
    return z.bytes()


def hwpx_unknown_compression() -> bytes:
    """The section's zip entry names compression method 93 (Zstandard): not in zipfile."""
    z = _hwpx_members(Contents__content_hpf=_HPF.encode())
    z.add("Contents/section0.xml", b"\x28\xb5\x2f\xfd" + b"\x00" * 60, method=93, declared_size=500)
    return z.bytes()


def hwpx_nested_tables(depth: int = 400, cols: int = 1) -> bytes:
    """400 tables (one-column: boxes read as flow), each inside a cell of the one around it."""
    inner = GOOD_PARAGRAPH
    for _ in range(depth):
        inner = (
            f'<hp:p><hp:run><hp:tbl rowCnt="1" colCnt="{cols}"><hp:tr><hp:tc><hp:subList>'
            + inner
            + '</hp:subList><hp:cellAddr colAddr="0" rowAddr="0"/></hp:tc>'
            + "".join(hwpx_cell(0, c, "1,000") for c in range(1, cols))
            + "</hp:tr></hp:tbl></hp:run></hp:p>"
        )
    return hwpx(inner)


def hwpx_nested_data_tables() -> bytes:
    """3,000 two-column tables nested in each other's first cell (read as cell text)."""
    return hwpx_nested_tables(3000, cols=2)


# ---------------------------------------------------------------- HTML and text cases


def html_huge_span() -> bytes:
    return (
        "<html><body><p>예산 현황</p><table><tr><td rowspan=100000 colspan=100000>계</td>"
        "<td>1,000</td></tr></table></body></html>"
    ).encode()


def html_unclosed_tables() -> bytes:
    return b"<html><body>" + b"<table>" * 150_000


def text_unclosed_tables() -> bytes:
    """Converted text (which carries its tables as inline HTML) with 150,000 unclosed tables."""
    return "○ 예산 : 1,000천원\n".encode() + b"<table>" * 150_000


def html_unclosed_comments() -> bytes:
    return "<p>예산 1,000천원</p>".encode() + b"<!--" * 200_000


def html_big_table(rows: int = 20_000, cols: int = 10) -> bytes:
    row = "<tr>" + "".join(f"<td>{c},000</td>" for c in range(cols)) + "</tr>"
    return (
        "<html><body><p>(단위 : 천원)</p><table>" + row * rows + "</table></body></html>"
    ).encode()


def text_many_tsv_tables(n: int = 20_000) -> bytes:
    block = "구분\t예산\n사업{i}\t1,000\n\n"
    return "".join(block.format(i=i) for i in range(n)).encode()


def text_utf32() -> bytes:
    """A good document saved as UTF-32 with its byte-order mark."""
    return "Ⅰ. 추진 배경\n○ 예산 : 1,000천원\n".encode("utf-32")


def text_mostly_nuls() -> bytes:
    """A UTF-16 byte-order mark and then NUL code units: decodes to NULs, not to text."""
    return b"\xff\xfe" + "가".encode("utf-16-le") + b"\x00\x00" * 5000


# ---------------------------------------------------------------- PDF cases


def _pdf(
    pages: list[tuple[tuple[float, float], bytes, bool | bytes]], form: bytes | None = None
) -> bytes:
    """A PDF with one content stream per page: ((width, height), content, deflated? or the
    name of its filter); with ``form``, every page's resources name a deflated form XObject
    /X1 of that content."""
    objects: list[bytes] = [b"", b""]  # 1: catalog, 2: pages; filled below
    font = 3
    objects.append(b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>")
    xobject = b""
    if form is not None:
        objects.append(
            b"<< /Type /XObject /Subtype /Form /BBox [0 0 100 100] /Filter /FlateDecode "
            b"/Length %d >>\nstream\n" % len(form) + form + b"\nendstream"
        )
        xobject = b" /XObject << /X1 %d 0 R >>" % len(objects)
    kids = []
    for (w, h), content, deflated in pages:
        stream_id = len(objects) + 1
        page_id = len(objects) + 2
        if isinstance(deflated, bytes):
            extra = b" /Filter /" + deflated
        else:
            extra = b" /Filter /FlateDecode" if deflated else b""
        objects.append(
            b"<< /Length %d%s >>\nstream\n" % (len(content), extra) + content + b"\nendstream"
        )
        objects.append(
            b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 %s %s] /Contents %d 0 R "
            b"/Resources << /Font << /F1 %d 0 R >>%s >> >>"
            % (str(w).encode(), str(h).encode(), stream_id, font, xobject)
        )
        kids.append(page_id)
    objects[0] = b"<< /Type /Catalog /Pages 2 0 R >>"
    objects[1] = b"<< /Type /Pages /Kids [%s] /Count %d >>" % (
        b" ".join(b"%d 0 R" % k for k in kids),
        len(kids),
    )
    out = io.BytesIO()
    out.write(b"%PDF-1.4\n")
    offsets = []
    for i, body in enumerate(objects, start=1):
        offsets.append(out.tell())
        out.write(b"%d 0 obj\n" % i + body + b"\nendobj\n")
    xref = out.tell()
    out.write(b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1))
    for off in offsets:
        out.write(b"%010d 00000 n \n" % off)
    out.write(
        b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    )
    return out.getvalue()


def _text_ops(words: list[tuple[float, float, str]], size: float = 10) -> bytes:
    ops = [b"BT /F1 %s Tf" % str(size).encode()]
    for x, y, word in words:
        ops.append(b"1 0 0 1 %.2f %.2f Tm (%s) Tj" % (x, y, word.encode("latin-1")))
    ops.append(b"ET")
    return b"\n".join(ops)


def pdf_good() -> bytes:
    words = [(72, 800 - 14 * i, f"Budget line {i}: 1,000 won") for i in range(20)]
    return _pdf([((595, 842), _text_ops(words), False)] * 2)


def pdf_stream_bomb() -> bytes:
    """A ~2 MB PDF whose one content stream inflates to 2 GB (spaces)."""
    data, _ = _repeated_deflate(
        _text_ops([(72, 800, "hello")]) + b"\n", b" " * (1 << 20), 2048, b""
    )
    stream = b"\x78\xda" + data  # a zlib header; no checksum: nobody should read to the end
    return _pdf([((595, 842), stream, True)])


def lzw_pack(codes: list[int]) -> bytes:
    """PDF LZW codes packed MSB first, each at the width pdfminer's decoder reads it with (9
    bits, then 10, 11, 12 as its table reaches 511, 1023, 2047 entries; 256 clears it)."""
    out, acc, nacc, nbits, table, started = bytearray(), 0, 0, 9, 258, False
    for code in codes:
        acc, nacc = (acc << nbits) | code, nacc + nbits
        while nacc >= 8:
            out.append((acc >> (nacc - 8)) & 0xFF)
            nacc -= 8
        acc &= (1 << nacc) - 1
        if code == 256:
            nbits, table, started = 9, 258, False
            continue
        if started:
            table += 1
            nbits = {511: 10, 1023: 11, 2047: 12}.get(table, nbits)
        started = True
    if nacc:
        out.append((acc << (8 - nacc)) & 0xFF)
    return bytes(out)


def lzw_repeated(byte: int, cycles: int) -> bytes:
    """One byte repeated, LZW's best case: after each clear, codes 258, 259 … 4094 each name
    a string one longer than the last (about 7.4 MB from 5.4 KB per cycle)."""
    codes: list[int] = []
    for _ in range(cycles):
        codes += [256, byte, *range(258, 4095)]
    return lzw_pack([*codes, 257])


def pdf_lzw_bomb() -> bytes:
    """A ~1.6 MB PDF whose LZW content stream decodes to 2.2 GB (spaces)."""
    return _pdf([((595, 842), lzw_repeated(32, 300), b"LZWDecode")])


def pdf_runlength_bomb() -> bytes:
    """A ~0.6 MB PDF whose run-length content stream decodes to 40 MB: each two bytes repeat
    one byte 128 times."""
    return _pdf([((595, 842), b"\x81 " * 320_000 + b"\x80", b"RunLengthDecode")])


def pdf_form_bomb() -> bytes:
    """A page that draws a form XObject whose stream inflates to 2 GB."""
    data, _ = _repeated_deflate(b"", b" " * (1 << 20), 2048, b"")
    content = _text_ops([(72, 800, "a page with a form")]) + b"\n/X1 Do"
    return _pdf([((595, 842), content, False)], form=b"\x78\xda" + data)


def pdf_wide_pages() -> bytes:
    """30 pages, each 400,000,000 pt wide."""
    lines = [(72 + 30 * i, 800 - 14 * i, f"wide page, line {i}") for i in range(12)]
    page = ((400_000_000, 842), _text_ops(lines), False)
    return _pdf([page] * 30)


def pdf_ruled_grid(n: int = 500, words: int = 5000) -> bytes:
    """One page ruled into n × n cells, holding ``words`` words."""
    side = 5.0 * n  # cells wider than pdfplumber's 3 pt snapping tolerance
    step = side / n
    ops = [b"0.1 w"]
    for i in range(n + 1):
        x = 20 + i * step
        ops.append(b"%.2f 20 m %.2f %.2f l S" % (x, x, 20 + side))
        ops.append(b"20 %.2f m %.2f %.2f l S" % (x, 20 + side, x))
    placed = [
        (20 + (k % n) * step + 0.2, 20 + (k // n) * step * 10 + 0.5, "7") for k in range(words)
    ]
    content = b"\n".join(ops) + b"\n" + _text_ops(placed, size=1)
    return _pdf([((side + 40, side + 40), content, False)])


# ---------------------------------------------------------------- the sets

GOOD: dict[str, Callable[[], bytes]] = {
    "good_utf32.txt": text_utf32,
    "good.hwpx": lambda: hwpx(GOOD_PARAGRAPH),
    "good.pdf": pdf_good,
    "good.html": lambda: "<p>Ⅰ. 추진 배경</p><p>○ 예산 : 1,000천원</p>".encode(),
}

HOSTILE: dict[str, Callable[[], bytes]] = {
    "rowspan_100000000.hwpx": hwpx_huge_rowspan,
    "manifest_bomb.hwpx": hwpx_manifest_bomb,
    "big_section.hwpx": hwpx_big_section,
    "lying_size.hwpx": hwpx_lying_size,
    "bad_colcnt.hwpx": hwpx_bad_col_count,
    "broken_content_hpf.hwpx": hwpx_broken_content_hpf,
    "encrypted_entry.hwpx": hwpx_encrypted_entry,
    "unknown_compression.hwpx": hwpx_unknown_compression,
    "nested_400.hwpx": hwpx_nested_tables,
    "nested_3000_data.hwpx": hwpx_nested_data_tables,
    "span_100000.html": html_huge_span,
    "unclosed_tables.html": html_unclosed_tables,
    "unclosed_tables.txt": text_unclosed_tables,
    "unclosed_comments.html": html_unclosed_comments,
    "table_20000x10.html": html_big_table,
    "tsv_20000_tables.txt": text_many_tsv_tables,
    "mostly_nuls.txt": text_mostly_nuls,
    "stream_bomb.pdf": pdf_stream_bomb,
    "lzw_bomb.pdf": pdf_lzw_bomb,
    "runlength_bomb.pdf": pdf_runlength_bomb,
    "form_bomb.pdf": pdf_form_bomb,
    "wide_pages.pdf": pdf_wide_pages,
    "ruled_500x500.pdf": pdf_ruled_grid,
}


def write_all(folder: Path, which: dict[str, Callable[[], bytes]] | None = None) -> list[Path]:
    folder.mkdir(parents=True, exist_ok=True)
    out = []
    for name, make in (which or {**HOSTILE, **GOOD}).items():
        path = folder / name
        path.write_bytes(make())
        out.append(path)
    return out


if __name__ == "__main__":
    target = Path(sys.argv[1] if len(sys.argv) > 1 else "hostile_inputs")
    for p in write_all(target):
        print(f"{p.stat().st_size:>10,}  {p}")
