"""Parsing REFI-QDA XML that may be hostile, and checking it against the REFI schema.

A REFI-QDA file never needs a DTD: any `<!DOCTYPE` (the way in for entity expansion, "billion laughs", and
external entities that read local files or URLs, XXE) is refused before parsing, and the parser itself resolves
no entities, loads no DTD, touches no network and keeps libxml2's limits on huge trees. `Project.xsd` (REFI's
QDA-XML 1.0 schema, MIT, its notice inside) ships beside this module, so a fresh clone validates offline.
"""

from __future__ import annotations

import re
import threading
from pathlib import Path

from ..errors import ExchangeError

PROJECT_NS = "urn:QDA-XML:project:1.0"
CODEBOOK_NS = "urn:QDA-XML:codebook:1.0"
SCHEMA_PATH = Path(__file__).with_name("Project.xsd")

_DOCTYPE = re.compile(rb"<!\s*(DOCTYPE|ENTITY)", re.IGNORECASE)
_schema = None
_schema_lock = threading.Lock()


def _parser():
    from lxml import etree

    return etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False, dtd_validation=False,
                           huge_tree=False, remove_comments=True, remove_pis=True)


def parse(data: bytes, source: str):
    """The root element of `data`; ExchangeError (naming `source` and the line) for a DTD, an entity or bad XML."""
    from lxml import etree

    head = data[:4].lstrip(b"\xef\xbb\xbf")
    if head[:2] in (b"\xff\xfe", b"\xfe\xff") or (head[:1] == b"\0" or head[1:2] == b"\0"):
        # UTF-16/32 would hide a DOCTYPE from the byte scan below; REFI files are UTF-8
        raise ExchangeError(source, "the XML is not UTF-8 encoded (QDA-XML files are UTF-8)")
    if (found := _DOCTYPE.search(data)) is not None:
        line = data.count(b"\n", 0, found.start()) + 1
        raise ExchangeError(source, f"line {line} declares a DTD or an entity ({found.group(0).decode()}…): a "
                                    "QDA-XML file never needs one, and entities can expand without bound or read "
                                    "local files; refused")
    try:
        root = etree.fromstring(data, _parser())
    except etree.XMLSyntaxError as exc:
        raise ExchangeError(source, f"it is not well-formed XML (line {exc.lineno}: {exc.msg})") from None
    if root.getroottree().docinfo.doctype:
        raise ExchangeError(source, "it declares a DTD, which a QDA-XML file never needs; refused")
    return root


def schema():
    """REFI's QDA-XML 1.0 project schema, parsed once."""
    global _schema
    from lxml import etree

    with _schema_lock:
        if _schema is None:
            _schema = etree.XMLSchema(etree.parse(str(SCHEMA_PATH), _parser()))
        return _schema


def check_schema(root, source: str, *, limit: int = 5) -> None:
    """ExchangeError listing (up to `limit`) the places where `root` breaks Project.xsd, each with its line."""
    checker = schema()
    if checker.validate(root):
        return
    errors = list(checker.error_log)
    shown = "; ".join(f"line {e.line}: {e.message}" for e in errors[:limit])
    more = f" (and {len(errors) - limit} more)" if len(errors) > limit else ""
    raise ExchangeError(source, f"it does not follow the REFI-QDA schema (Project.xsd): {shown}{more}")
