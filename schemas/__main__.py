"""``python -m schemas``: print the tables' documentation (``docs/tables.md``)."""

from schemas import render_markdown

print(render_markdown(), end="")
