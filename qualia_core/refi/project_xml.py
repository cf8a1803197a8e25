"""`project.qde` (namespace urn:QDA-XML:project:1.0) to and from a `Project`, element for element.

Writing follows Project.xsd's element order; empty lists are left out (the schema wants at least one User, Code,
Source or Note in each list it has). A text source's text is written to the archive (`plainTextPath=
"internal://<guid>.txt"`), a note's inline (`PlainTextContent`). Reading takes what Qualia exchanges (users, the
code tree, text sources, selections with their codings, notes and NoteRefs) and names what it leaves out (PDF,
picture, audio and video sources) in `Project.skipped`; `archive.py` supplies the texts and checks the whole.
"""

from __future__ import annotations

from datetime import datetime, timezone
from typing import Callable

from ..errors import ExchangeError
from .model import Code, Coding, Note, Project, Selection, Source, User, derived_guid, normal_guid
from .safe_xml import PROJECT_NS

INTERNAL = "internal://"


def _q(tag: str, ns: str = PROJECT_NS) -> str:
    return f"{{{ns}}}{tag}"


def stamp(moment: datetime | None) -> str | None:
    """xsd:dateTime in UTC, whole seconds: `2026-12-01T03:00:00Z`."""
    if moment is None:
        return None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=timezone.utc)
    return moment.astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def moment(value: str | None, where: str) -> datetime | None:
    if not value:
        return None
    text = value.strip()
    if text.endswith(("Z", "z")):
        text = text[:-1] + "+00:00"
    try:
        parsed = datetime.fromisoformat(text)
    except ValueError:
        raise ExchangeError(where, f"'{value}' is not a date and time") from None
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=timezone.utc)


def _attrs(**values) -> dict[str, str]:
    return {k: str(v) for k, v in values.items() if v is not None}


# ------------------------------------------------------------------ writing
def code_element(code: Code, ns: str = PROJECT_NS):
    from lxml import etree

    el = etree.Element(_q("Code", ns), _attrs(guid=code.guid, name=code.name,
                                              isCodable="true" if code.codable else "false", color=code.color))
    if code.description:
        etree.SubElement(el, _q("Description", ns)).text = code.description
    for ref in code.note_refs:
        etree.SubElement(el, _q("NoteRef", ns), targetGUID=ref)
    for child in code.children:
        el.append(code_element(child, ns))
    return el


def _text_source(tag: str, guid: str, name: str, user: str | None, created: datetime | None, description: str,
                 *, path: str | None = None, content: str | None = None, modified: datetime | None = None):
    from lxml import etree

    el = etree.Element(_q(tag), _attrs(guid=guid, name=name, plainTextPath=path, creatingUser=user,
                                       creationDateTime=stamp(created), modifyingUser=user if modified else None,
                                       modifiedDateTime=stamp(modified)))
    if description:
        etree.SubElement(el, _q("Description")).text = description
    if content is not None:
        etree.SubElement(el, _q("PlainTextContent")).text = content
    return el


def _selection(sel: Selection):
    from lxml import etree

    el = etree.Element(_q("PlainTextSelection"), _attrs(
        guid=sel.guid, name=sel.name, startPosition=sel.start, endPosition=sel.end, creatingUser=sel.user_guid,
        creationDateTime=stamp(sel.created_at)))
    if sel.description:
        etree.SubElement(el, _q("Description")).text = sel.description
    for coding in sel.codings:
        c = etree.SubElement(el, _q("Coding"), _attrs(guid=coding.guid, creatingUser=coding.user_guid,
                                                      creationDateTime=stamp(coding.created_at)))
        etree.SubElement(c, _q("CodeRef"), targetGUID=coding.code_guid)
    for ref in sel.note_refs:
        etree.SubElement(el, _q("NoteRef"), targetGUID=ref)
    return el


def project_element(project: Project):
    """The `<Project>` element of `project`; the sources' texts go to `Sources/<guid>.txt` (see archive.py)."""
    from lxml import etree

    root = etree.Element(_q("Project"), _attrs(name=project.name, origin=project.origin,
                                               creatingUserGUID=project.user_guid,
                                               creationDateTime=stamp(project.created_at)), nsmap={None: PROJECT_NS})
    if project.users:
        users = etree.SubElement(root, _q("Users"))
        for user in project.users:
            etree.SubElement(users, _q("User"), guid=user.guid, name=user.name)
    if project.codes:
        codes = etree.SubElement(etree.SubElement(root, _q("CodeBook")), _q("Codes"))
        for code in project.codes:
            codes.append(code_element(code))
    if project.sources:
        sources = etree.SubElement(root, _q("Sources"))
        for src in project.sources:
            el = _text_source("TextSource", src.guid, src.name, src.user_guid, src.created_at, src.description,
                              path=f"{INTERNAL}{src.guid}.txt")
            for sel in src.selections:
                el.append(_selection(sel))
            for ref in src.note_refs:
                etree.SubElement(el, _q("NoteRef"), targetGUID=ref)
            sources.append(el)
    if project.notes:
        notes = etree.SubElement(root, _q("Notes"))
        for note in project.notes:
            notes.append(_text_source("Note", note.guid, note.name, note.user_guid, note.created_at, "",
                                      content=note.text, modified=note.modified_at))
    if project.description:
        etree.SubElement(root, _q("Description")).text = project.description
    for ref in project.note_refs:
        etree.SubElement(root, _q("NoteRef"), targetGUID=ref)
    return root


# ------------------------------------------------------------------ reading
def _guid(el, where: str, attr: str = "guid") -> str | None:
    value = el.get(attr)
    return normal_guid(value) if value else None


def _description(el) -> str:
    found = el.find(_q("Description"))
    return (found.text or "") if found is not None else ""


def _refs(el, tag: str = "NoteRef") -> list[str]:
    return [normal_guid(r.get("targetGUID")) for r in el.findall(_q(tag))]


def read_code(el, ns: str = PROJECT_NS) -> Code:
    desc = el.find(_q("Description", ns))
    return Code(guid=normal_guid(el.get("guid")), name=el.get("name"), color=el.get("color"),
                description=(desc.text or "") if desc is not None else "",
                codable=el.get("isCodable", "true").strip() in ("true", "1"),
                children=[read_code(c, ns) for c in el.findall(_q("Code", ns))],
                note_refs=[normal_guid(r.get("targetGUID")) for r in el.findall(_q("NoteRef", ns))])


def read_project(root, source: str, text_of: Callable[[str, str], str]) -> Project:
    """A Project from a schema-valid `<Project>` element. `text_of(plainTextPath, where)` reads a source's text
    from the archive (raising ExchangeError when it cannot)."""
    project = Project(name=root.get("name"), origin=root.get("origin") or "",
                      user_guid=_guid(root, source, "creatingUserGUID"),
                      created_at=moment(root.get("creationDateTime"), f"{source} (Project)"),
                      description=_description(root), note_refs=_refs(root))
    users = root.find(_q("Users"))
    for el in users.findall(_q("User")) if users is not None else ():
        project.users.append(User(guid=normal_guid(el.get("guid")), name=el.get("name") or el.get("id") or ""))
    codes = root.find(f"{_q('CodeBook')}/{_q('Codes')}")
    if codes is not None:
        project.codes = [read_code(c) for c in codes.findall(_q("Code"))]
    sources = root.find(_q("Sources"))
    for el in list(sources) if sources is not None else ():
        tag = el.tag.split("}")[-1]
        name = el.get("name") or el.get("guid")
        if tag != "TextSource":
            project.skipped.append(f"{tag} '{name}' (Qualia codes text only)")
            continue
        where = f"{source}, TextSource '{name}'"
        src = Source(guid=normal_guid(el.get("guid")), name=name, text=_plain_text(el, where, text_of),
                     user_guid=_guid(el, where, "creatingUser"),
                     created_at=moment(el.get("creationDateTime"), where),
                     description=_description(el), note_refs=_refs(el))
        for sel in el.findall(_q("PlainTextSelection")):
            src.selections.append(_read_selection(sel, where))
        whole = [Coding(guid=normal_guid(c.get("guid")), code_guid=normal_guid(c.find(_q("CodeRef")).get("targetGUID")),
                        user_guid=_guid(c, where, "creatingUser"), created_at=moment(c.get("creationDateTime"), where))
                 for c in el.findall(_q("Coding"))]
        if whole:  # codings of the whole source: a selection of all its text
            src.selections.append(Selection(guid=derived_guid(src.guid, "whole source"), start=0, end=len(src.text), codings=whole,
                                            user_guid=whole[0].user_guid, created_at=whole[0].created_at))
        project.sources.append(src)
    notes = root.find(_q("Notes"))
    for el in notes.findall(_q("Note")) if notes is not None else ():
        name = el.get("name") or el.get("guid")
        where = f"{source}, Note '{name}'"
        project.notes.append(Note(guid=normal_guid(el.get("guid")), name=name, text=_plain_text(el, where, text_of),
                                  user_guid=_guid(el, where, "creatingUser"),
                                  created_at=moment(el.get("creationDateTime"), where),
                                  modified_at=moment(el.get("modifiedDateTime"), where)))
    return project


def _plain_text(el, where: str, text_of: Callable[[str, str], str]) -> str:
    content = el.find(_q("PlainTextContent"))
    path = el.get("plainTextPath")
    if content is not None and path:
        raise ExchangeError(where, "it has both PlainTextContent and a plainTextPath (the schema allows one)")
    if content is not None:
        return content.text or ""
    if not path:
        if el.tag == _q("Note"):
            return _description(el)
        raise ExchangeError(where, "it has no text (neither PlainTextContent nor a plainTextPath)")
    return text_of(path, where)


def _read_selection(el, where: str) -> Selection:
    sel_where = f"{where}, selection {el.get('guid')}"
    codings = []
    for c in el.findall(_q("Coding")):
        codings.append(Coding(guid=normal_guid(c.get("guid")),
                              code_guid=normal_guid(c.find(_q("CodeRef")).get("targetGUID")),
                              user_guid=_guid(c, sel_where, "creatingUser"),
                              created_at=moment(c.get("creationDateTime"), sel_where)))
    return Selection(guid=normal_guid(el.get("guid")), start=int(el.get("startPosition")),
                     end=int(el.get("endPosition")), user_guid=_guid(el, sel_where, "creatingUser"),
                     created_at=moment(el.get("creationDateTime"), sel_where), description=_description(el),
                     name=el.get("name"), codings=codings, note_refs=_refs(el))
