"""REFI-QDA exchange, pure: the project and codebook formats NVivo, ATLAS.ti, MAXQDA, QualCoder and Taguette share.

    from qualia_core.refi import Project, read_qdpx, write_qdpx, read_qdc, write_qdc

`model` holds the dataclasses, `archive` the .qdpx zip (read defensively), `codebook` the .qdc, `project_xml`
the element mapping and `safe_xml` the hostile-input parser and the schema (Project.xsd, QDA-XML 1.0, MIT). The
study store's side is `qualia_core.coding.exchange`.
"""

from .archive import Limits, check_project, project_bytes, read_qdpx, write_qdpx
from .codebook import codebook_bytes, read_qdc, write_qdc
from .model import Code, Coding, Note, Project, Selection, Source, User, derived_guid, new_guid, walk

__all__ = ["Code", "Coding", "Limits", "Note", "Project", "Selection", "Source", "User", "check_project",
           "codebook_bytes", "derived_guid", "new_guid", "project_bytes", "read_qdc", "read_qdpx", "walk",
           "write_qdc", "write_qdpx"]
