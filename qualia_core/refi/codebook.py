"""The REFI-QDA codebook (`.qdc`, namespace urn:QDA-XML:codebook:1.0): the code tree alone, to share a codebook
between studies and tools.

    write_qdc(codes, path, origin="Qualia")   atomically; checked against the schema first
    read_qdc(path) -> list[Code]              the roots of the tree; ExchangeError names what is wrong

REFI's Codebook.xsd declares its `Code` exactly as Project.xsd does, so a codebook is checked by placing its codes
in a project (namespace and all) and validating that against the Project.xsd shipped here.
"""

from __future__ import annotations

from pathlib import Path

from ..atomic import atomic_write_bytes
from ..errors import ExchangeError
from .model import Code, walk
from .project_xml import code_element, read_code
from .safe_xml import CODEBOOK_NS, PROJECT_NS, check_schema, parse

MAX_BYTES = 64 * 1024 * 1024  # a codebook of 100,000 codes is about 20 MB


def _check(root, source: str) -> None:
    """Validate the codebook's codes as a project's codebook."""
    from lxml import etree

    project = etree.Element(f"{{{PROJECT_NS}}}Project", name="codebook", nsmap={None: PROJECT_NS})
    codes = root.find(f"{{{CODEBOOK_NS}}}Codes")
    if codes is None:
        raise ExchangeError(source, "its CodeBook has no Codes")
    holder = etree.SubElement(etree.SubElement(project, f"{{{PROJECT_NS}}}CodeBook"), f"{{{PROJECT_NS}}}Codes")
    for el in codes:
        holder.append(_renamed(el))
    check_schema(project, source)


def _renamed(el):
    """A copy of `el` and its children moved from the codebook namespace to the project one (lines kept)."""
    from copy import deepcopy

    copy = deepcopy(el)
    for node in copy.iter():
        if isinstance(node.tag, str) and node.tag.startswith(f"{{{CODEBOOK_NS}}}"):
            node.tag = f"{{{PROJECT_NS}}}" + node.tag.split("}", 1)[1]
    return copy


def codebook_bytes(codes: list[Code], origin: str = "Qualia") -> bytes:
    from lxml import etree

    root = etree.Element(f"{{{CODEBOOK_NS}}}CodeBook", origin=origin, nsmap={None: CODEBOOK_NS})
    holder = etree.SubElement(root, f"{{{CODEBOOK_NS}}}Codes")
    for code in codes:
        holder.append(code_element(code, CODEBOOK_NS))
    if not codes:
        raise ExchangeError("the codebook", "it has no codes (a .qdc holds at least one)", action="export")
    _check(root, "the exported codebook")
    return etree.tostring(root, xml_declaration=True, encoding="utf-8", pretty_print=True)


def write_qdc(codes: list[Code], path: str | Path, origin: str = "Qualia") -> Path:
    path = Path(path)
    atomic_write_bytes(path, codebook_bytes(codes, origin))
    return path


def read_qdc(path: str | Path) -> list[Code]:
    path = Path(path)
    source = path.name or str(path)
    try:
        size = path.stat().st_size
        if size > MAX_BYTES:
            raise ExchangeError(source, f"it is {size:,} bytes, more than a codebook's {MAX_BYTES:,}")
        data = path.read_bytes()
    except FileNotFoundError:
        raise ExchangeError(source, f"there is no file {path}") from None
    except IsADirectoryError:
        raise ExchangeError(source, "it is a folder, not a .qdc file") from None
    root = parse(data, source)
    if root.tag != f"{{{CODEBOOK_NS}}}CodeBook":
        raise ExchangeError(source, f"its root element is {root.tag}, not a REFI-QDA CodeBook "
                                    f"(namespace {CODEBOOK_NS})")
    _check(root, source)
    codes = [read_code(el, CODEBOOK_NS) for el in root.find(f"{{{CODEBOOK_NS}}}Codes")
             if isinstance(el.tag, str)]
    seen: set[str] = set()
    for code, _ in walk(codes):
        if code.guid in seen:
            raise ExchangeError(source, f"the GUID {code.guid} names two codes (one is '{code.name}')")
        seen.add(code.guid)
    return codes
