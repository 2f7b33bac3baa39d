"""Reading a declared table (core.tables) back out of a page's HTML."""

import re


def table_html(html, table_id):
    """The <table> with ``id="table_id"`` in ``html``."""
    match = re.search(rf'<table[^>]*id="{table_id}".*?</table>', html, re.S)
    assert match, table_id
    return match.group(0)


def heads(html):
    """The column headers' texts (a header read by screen readers only included)."""
    return re.findall(r'<th scope="col"[^>]*>(?:<span class="visually-hidden">)?([^<]*)(?:</span>)?</th>', html)
