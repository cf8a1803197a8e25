"""The codebook: a tree of codes, created, renamed, moved, merged (passages move along) and deleted.

Functions take the study store; each change is one transaction. A code argument may be a Code, its id, or its
name or path ("Parent › Child"); `resolve` turns it into the Code or raises CodingError naming it and listing
close names.
"""

from __future__ import annotations

import difflib

from ..errors import CodingError
from .model import SEPARATOR, Code
from .store import check_code_name, check_color, check_text_name, new_guid, now, whole


def _rows(connection):
    from sqlalchemy import select

    from ..store import models as t

    return connection.execute(select(t.codes.c.id, t.codes.c.guid, t.codes.c.name, t.codes.c.parent_id,
                                     t.codes.c.color, t.codes.c.description)).all()


def codebook(connection) -> list[Code]:
    """Every code in tree order: each code followed by its children, siblings by name (case-insensitive)."""
    rows = _rows(connection)
    children: dict[int | None, list] = {}
    for row in rows:
        children.setdefault(row.parent_id, []).append(row)
    out: list[Code] = []

    def walk(parent: int | None, prefix: str) -> None:
        for row in sorted(children.get(parent, []), key=lambda r: (r.name.casefold(), r.name, r.id)):
            path = prefix + row.name
            out.append(Code(row.id, row.guid, row.name, row.parent_id, row.color, row.description or "", path))
            walk(row.id, path + SEPARATOR)

    walk(None, "")
    return out


def _normal(path: str) -> str:
    parts = [" ".join(p.split()) for p in path.replace(">", "›").split("›")]
    return SEPARATOR.join(p for p in parts if p)


def resolve(book: list[Code], code) -> Code:
    """The Code `code` names (a Code, an id, a name or a path) in `book`."""
    if isinstance(code, Code):
        code = code.id
    if isinstance(code, bool):
        raise CodingError(f"{code!r} does not name a code: give a code's name, path or id.")
    if whole(code) is not None:
        code = whole(code)
        for c in book:
            if c.id == code:
                return c
        raise CodingError(f"No code with id {code} in the codebook: it may have been deleted or merged.")
    if not isinstance(code, str) or not code.strip():
        raise CodingError(f"{code!r} does not name a code: give a code's name, path or id.")
    exact = " ".join(code.split())
    wanted = _normal(code)  # "Parent > Child" is read as a path too
    for match in ([c for c in book if c.path == exact], [c for c in book if c.path == wanted],
                  [c for c in book if c.name == wanted],
                  [c for c in book if c.path.casefold() == wanted.casefold()],
                  [c for c in book if c.name.casefold() == wanted.casefold()]):
        if len(match) == 1:
            return match[0]
        if len(match) > 1:
            raise CodingError(f"Several codes are named '{wanted}': " + ", ".join(repr(c.path) for c in match)
                              + ". Give the path (Parent › Child) or the id.")
    names = sorted({c.path for c in book} | {c.name for c in book})
    close = difflib.get_close_matches(wanted, names, n=3, cutoff=0.5)
    hint = (" Close names: " + ", ".join(repr(n) for n in close) + ".") if close else (
        " The codebook is empty: add the code first." if not book else "")
    raise CodingError(f"No code '{wanted}' in the codebook.{hint}")


def _descendants(book: list[Code], code_id: int) -> set[int]:
    found = {code_id}
    for c in book:  # tree order: parents come before their children
        if c.parent_id in found:
            found.add(c.id)
    return found


def _check_free(book: list[Code], name: str, parent_id: int | None, moving: int | None = None) -> None:
    for c in book:
        if c.parent_id == parent_id and c.name.casefold() == name.casefold() and c.id != moving:
            where = "at the top of the codebook" if parent_id is None else f"under '{_path(book, parent_id)}'"
            raise CodingError(f"A code named '{c.name}' is already {where}: choose another name, or merge the "
                              "two codes.")


def _path(book: list[Code], code_id: int) -> str:
    return next(c.path for c in book if c.id == code_id)


def add_code(connection, name, parent=None, color=None, description="", *, guid=None, created_by=None) -> Code:
    from sqlalchemy import insert

    from ..store import models as t

    name = check_code_name(name)
    book = codebook(connection)
    parent_id = resolve(book, parent).id if parent is not None else None
    _check_free(book, name, parent_id)
    row = dict(guid=new_guid(guid), name=name, parent_id=parent_id, color=check_color(color, len(book)),
               description=str(description or ""),
               created_by=check_text_name(created_by, "code's author", 64) if created_by else None,
               created_at=now())
    code_id = connection.execute(insert(t.codes).values(**row).returning(t.codes.c.id)).scalar_one()
    return resolve(codebook(connection), code_id)


def _update(connection, code_id: int, **values) -> None:
    from sqlalchemy import update

    from ..store import models as t

    connection.execute(update(t.codes).where(t.codes.c.id == code_id).values(**values))


def rename_code(connection, code, name) -> Code:
    name = check_code_name(name)
    book = codebook(connection)
    found = resolve(book, code)
    _check_free(book, name, found.parent_id, moving=found.id)
    _update(connection, found.id, name=name)
    return resolve(codebook(connection), found.id)


def move_code(connection, code, parent) -> Code:
    """Put `code` (with its children and passages) under `parent` (None: the top of the codebook)."""
    book = codebook(connection)
    found = resolve(book, code)
    parent_id = resolve(book, parent).id if parent is not None else None
    if parent_id is not None and parent_id in _descendants(book, found.id):
        raise CodingError(f"Cannot move '{found.path}' under '{_path(book, parent_id)}': that is the code itself "
                          "or one of its children.")
    _check_free(book, found.name, parent_id, moving=found.id)
    _update(connection, found.id, parent_id=parent_id)
    return resolve(codebook(connection), found.id)


def merge_codes(connection, source, into) -> Code:
    """Give `into` every passage of `source`, move `source`'s children under `into` (merging children of the same
    name), move its memos to `into`, and remove `source`. Returns `into`."""
    from sqlalchemy import delete, select, update

    from ..store import models as t

    book = codebook(connection)
    src, dst = resolve(book, source), resolve(book, into)
    if dst.id in _descendants(book, src.id):
        raise CodingError(f"Cannot merge '{src.path}' into '{dst.path}': that is the code itself or one of its "
                          "children.")
    pc = t.passage_codes
    has_dst = select(pc.c.passage_id).where(pc.c.code_id == dst.id)
    connection.execute(update(pc).where(pc.c.code_id == src.id, pc.c.passage_id.not_in(has_dst))
                       .values(code_id=dst.id))
    connection.execute(delete(pc).where(pc.c.code_id == src.id))
    connection.execute(update(t.memos).where(t.memos.c.target_kind == "code", t.memos.c.target_id == str(src.id))
                       .values(target_id=str(dst.id)))
    for child in [c for c in book if c.parent_id == src.id]:
        twin = next((c for c in book if c.parent_id == dst.id and c.name.casefold() == child.name.casefold()), None)
        if twin is not None:
            merge_codes(connection, child.id, twin.id)
        else:
            _update(connection, child.id, parent_id=dst.id)
    connection.execute(delete(t.codes).where(t.codes.c.id == src.id))
    return resolve(codebook(connection), dst.id)


def delete_code(connection, code) -> list[int]:
    """Remove `code`, its children, their codings and memos; passages left with no code go too. Returns the
    ids of the codes removed."""
    from sqlalchemy import delete, exists, select

    from ..store import models as t

    book = codebook(connection)
    found = resolve(book, code)
    gone = sorted(_descendants(book, found.id))
    touched = select(t.passage_codes.c.passage_id).where(t.passage_codes.c.code_id.in_(gone))
    passages = list(connection.execute(touched).scalars())
    connection.execute(delete(t.memos).where(t.memos.c.target_kind == "code",
                                             t.memos.c.target_id.in_([str(i) for i in gone])))
    connection.execute(delete(t.passage_codes).where(t.passage_codes.c.code_id.in_(gone)))
    connection.execute(delete(t.codes).where(t.codes.c.id.in_(gone)))
    if passages:
        bare = select(t.passages.c.id).where(
            t.passages.c.id.in_(passages),
            ~exists().where(t.passage_codes.c.passage_id == t.passages.c.id))
        forget_passages(connection, list(connection.execute(bare).scalars()))
    return gone


def forget_passages(connection, passage_ids: list[int]) -> None:
    """Delete passages and the memos written on them."""
    from sqlalchemy import delete

    from ..store import models as t

    if not passage_ids:
        return
    connection.execute(delete(t.memos).where(t.memos.c.target_kind == "passage",
                                             t.memos.c.target_id.in_([str(i) for i in passage_ids])))
    connection.execute(delete(t.passages).where(t.passages.c.id.in_(passage_ids)))


def set_code_color(connection, code, color) -> Code:
    found = resolve(codebook(connection), code)
    if color is None or color == "":
        raise CodingError(f"Give a colour for '{found.path}' as #rrggbb (e.g. #4e79a7).")
    _update(connection, found.id, color=check_color(color))
    return resolve(codebook(connection), found.id)


def describe_code(connection, code, description) -> Code:
    found = resolve(codebook(connection), code)
    _update(connection, found.id, description=str(description or ""))
    return resolve(codebook(connection), found.id)


__all__ = ["codebook", "resolve", "add_code", "rename_code", "move_code", "merge_codes", "delete_code",
           "set_code_color", "describe_code", "forget_passages"]
