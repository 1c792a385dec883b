"""A machine check of the PDF/UA-1 requirements a program can decide (issue #18).

veraPDF, the reference validator, needs Java and Maven Central, which this project's
machines do not have; this module checks the Matterhorn Protocol's machine-checkable
failure conditions that apply to WeasyPrint's output, with pypdf and the stdlib's XML
parser. Each failure starts with its Matterhorn checkpoint (``01-005``) or, where no
checkpoint is machine-checkable for it, the clause of ISO 14289-1 (``7.21.7``).

What it checks (the Matterhorn checkpoint, or the clause of ISO 14289-1, PDF/UA-1):

- the catalog: /MarkInfo /Marked true and a /StructTreeRoot with a /ParentTree (7.1),
  /Lang non-empty (7.2), /ViewerPreferences /DisplayDocTitle true (07-001, 07-002),
  no /Encrypt whose /P forbids extracting text for accessibility (26-002);
- the XMP metadata: present (06-001), pdfuaid:part = 1 (06-002), a non-empty dc:title
  (06-003);
- the structure tree: every element's type is standard or role-mapped to one (02-001), no
  circular role map (02-002), no standard type remapped (02-003); every /Figure has /Alt or
  /ActualText (13-004); numbered headings start at H1 (14-002) and never skip a level
  (14-003); every Link annotation is an OBJR kid of a /Link element (28-011) and has a
  /Contents description (7.18.5); every other annotation (but a Popup or hidden one) is in
  the structure tree too (7.18.1); each /Headers ID of a table cell is a TH's /ID (7.5);
- each page: /Tabs /S (28-008, 28-009: asked of every page here, not only of pages with
  annotations); every painting operator (text, paths, images, XObjects, shadings) inside
  marked content that is an Artifact or has an MCID whose structure element, found through
  the page's /StructParents in the ParentTree, is in the structure tree and owns that MCID
  (01-005); no Artifact inside tagged content (01-003), no tagged content inside an
  Artifact (01-004);
- every font a page uses (also in its form XObjects, and the descendant font of a Type0
  font) is embedded: its descriptor has /FontFile, /FontFile2 or /FontFile3 (7.21.4.1);
  Type3 fonts are defined in the file and have no font program; every font maps its glyphs
  to Unicode with /ToUnicode (or a standard encoding, 7.21.7); a Type 2 CIDFont has a
  /CIDToGIDMap (7.21.3.2).

Not checked: content inside form XObjects (the Do that paints one must be tagged or an
Artifact), and whatever needs a human (reading order, the meaning of tags, alt text quality).

Usable as a script: ``python tests/reports/pdfua_check.py file.pdf`` prints the failures
and exits 1 if there are any.
"""

from __future__ import annotations

import io
import sys
import xml.etree.ElementTree as ET

from pypdf import PdfReader
from pypdf.generic import ArrayObject, ContentStream, DictionaryObject, IndirectObject

# ISO 32000-1 (PDF 1.7) §14.8.4, the standard structure types PDF/UA-1 builds on.
STANDARD_TYPES = frozenset(
    {
        "Document",
        "Part",
        "Art",
        "Sect",
        "Div",
        "BlockQuote",
        "Caption",
        "TOC",
        "TOCI",
        "Index",
        "NonStruct",
        "Private",
        "P",
        "H",
        "H1",
        "H2",
        "H3",
        "H4",
        "H5",
        "H6",
        "L",
        "LI",
        "Lbl",
        "LBody",
        "Table",
        "TR",
        "TH",
        "TD",
        "THead",
        "TBody",
        "TFoot",
        "Span",
        "Quote",
        "Note",
        "Reference",
        "BibEntry",
        "Code",
        "Link",
        "Annot",
        "Ruby",
        "RB",
        "RT",
        "RP",
        "Warichu",
        "WT",
        "WP",
        "Figure",
        "Formula",
        "Form",
    }
)
TEXT_OPS = frozenset({b"Tj", b"TJ", b"'", b'"'})
# Operators that put marks on the page: text, path painting (not n), images, XObjects, shadings.
PAINT_OPS = TEXT_OPS | frozenset(
    {b"S", b"s", b"f", b"F", b"f*", b"B", b"B*", b"b", b"b*", b"Do", b"sh", b"INLINE IMAGE"}
)
NS = {
    "rdf": "http://www.w3.org/1999/02/22-rdf-syntax-ns#",
    "dc": "http://purl.org/dc/elements/1.1/",
    "pdfuaid": "http://www.aiim.org/pdfua/ns/id/",
}
STANDARD_ENCODINGS = ("/MacRomanEncoding", "/WinAnsiEncoding", "/MacExpertEncoding")
EXTRACT_FOR_ACCESSIBILITY = 1 << 9  # bit 10 of /P (ISO 32000-1 table 22)


def _obj(value):
    return value.get_object() if isinstance(value, IndirectObject) else value


def _true(value) -> bool:
    """A PDF boolean that is true (pypdf's BooleanObject is not Python's True)."""
    return getattr(_obj(value), "value", None) is True


def _key(value) -> int | None:
    """The object number of an indirect reference (pages and elements are compared by it)."""
    return value.idnum if isinstance(value, IndirectObject) else None


def _number_tree(node, out: dict[int, object]) -> dict[int, object]:
    """The entries of a number tree (the ParentTree), keys to values."""
    node = _obj(node)
    nums = node.get("/Nums", [])
    for i in range(0, len(nums) - 1, 2):
        out[int(nums[i])] = list.__getitem__(nums, i + 1)  # unresolved: keep the reference
    for kid in node.get("/Kids", []):
        _number_tree(kid, out)
    return out


class _Tree:
    """The structure tree walked once in document order."""

    def __init__(self, root: DictionaryObject, failures: list[str]):
        self.failures = failures
        role_map = _obj(root.get("/RoleMap")) or {}
        self.role_map = {str(k).lstrip("/"): str(_obj(v)).lstrip("/") for k, v in role_map.items()}
        self.elements: set[int] = set()  # object numbers of the elements in the tree
        self.owned: set[tuple[int | None, int, int | None]] = set()  # (page, mcid, element)
        self.objrs: dict[int | None, bool] = {}  # annotation -> its OBJR is inside a /Link
        self.headings: list[int] = []  # numbered heading levels in document order
        self.header_ids: set[str] = set()  # /ID of the TH elements
        self.headers_used: list[str] = []  # the IDs table cells name in /A /Headers
        self._seen: set[int] = set()
        kids = root.get("/K")
        for kid in _obj(kids) if isinstance(_obj(kids), ArrayObject) else [kids]:
            if kid is not None:
                self._element(kid, None, False)

    def standard_type(self, name: str) -> str | None:
        """The standard type ``name`` maps to, or None (circular or unmapped)."""
        seen = []
        while name not in STANDARD_TYPES:
            if name in seen or name not in self.role_map:
                return None
            seen.append(name)
            name = self.role_map[name]
        return name

    def _element(self, ref, page: int | None, in_link: bool) -> None:
        elem = _obj(ref)
        number = _key(ref)
        if number is not None:
            if number in self._seen:
                self.failures.append(f"7.1 structure tree: element {number} is reached twice")
                return
            self._seen.add(number)
            self.elements.add(number)
        kind = str(elem.get("/S", "")).lstrip("/")
        std = self.standard_type(kind)
        if std is None:
            self.failures.append(
                f"02-001 structure type /{kind} is neither standard nor role-mapped to one"
            )
        elif std == "Figure" and not (elem.get("/Alt") or elem.get("/ActualText")):
            self.failures.append(f"13-004 /Figure element {number} has no /Alt or /ActualText")
        if std and len(std) == 2 and std[0] == "H" and std[1].isdigit():
            self.headings.append(int(std[1]))
        in_link = in_link or std == "Link"
        if std == "TH" and "/ID" in elem:
            self.header_ids.add(str(elem["/ID"]))
        attributes = _obj(elem.get("/A"))
        for attribute in attributes if isinstance(attributes, ArrayObject) else [attributes]:
            attribute = _obj(attribute)
            if isinstance(attribute, DictionaryObject) and "/Headers" in attribute:
                self.headers_used += [str(_obj(h)) for h in _obj(attribute["/Headers"])]
        page = _key(elem.get("/Pg")) or page
        kids = elem.get("/K")
        for kid in _obj(kids) if isinstance(_obj(kids), ArrayObject) else [kids]:
            if kid is None:
                continue
            value = _obj(kid)
            if isinstance(value, int):
                self.owned.add((page, int(value), number))
            elif isinstance(value, DictionaryObject) and value.get("/Type") == "/MCR":
                mcr_page = _key(value.get("/Pg")) or page
                self.owned.add((mcr_page, int(value["/MCID"]), number))
            elif isinstance(value, DictionaryObject) and value.get("/Type") == "/OBJR":
                self.objrs[_key(value.raw_get("/Obj"))] = in_link
            elif isinstance(value, DictionaryObject):
                self._element(kid, page, in_link)


def _check_catalog(reader: PdfReader, root, failures: list[str]) -> None:
    mark_info = _obj(root.get("/MarkInfo")) or {}
    if not _true(mark_info.get("/Marked")):
        failures.append("7.1 catalog: /MarkInfo /Marked is not true")
    if not str(root.get("/Lang") or "").strip():
        failures.append("7.2 catalog: /Lang is missing or empty")
    prefs = _obj(root.get("/ViewerPreferences")) or {}
    if "/DisplayDocTitle" not in prefs:
        failures.append("07-001 catalog: /ViewerPreferences has no /DisplayDocTitle")
    elif not _true(prefs["/DisplayDocTitle"]):
        failures.append("07-002 catalog: /ViewerPreferences /DisplayDocTitle is not true")
    encrypt = _obj(reader.trailer.get("/Encrypt"))
    if encrypt is not None and not int(encrypt.get("/P", 0)) & EXTRACT_FOR_ACCESSIBILITY:
        failures.append("26-002 /Encrypt forbids extracting content for accessibility (/P bit 10)")


def _check_xmp(root, failures: list[str]) -> None:
    stream = _obj(root.get("/Metadata"))
    if stream is None:
        failures.append("06-001 catalog: no /Metadata (XMP) stream")
        return
    try:
        xmp = ET.fromstring(stream.get_data())
    except ET.ParseError as error:
        failures.append(f"06-001 the XMP metadata is not well-formed XML: {error}")
        return
    part_key = f"{{{NS['pdfuaid']}}}part"
    parts = [d.get(part_key) for d in xmp.iter(f"{{{NS['rdf']}}}Description")]
    parts += [e.text for e in xmp.iter(part_key)]
    if "1" not in [(p or "").strip() for p in parts]:
        failures.append("06-002 XMP metadata: pdfuaid:part is not 1")
    titles = [(li.text or "").strip() for t in xmp.iter(f"{{{NS['dc']}}}title") for li in t.iter()]
    if not any(titles):
        failures.append("06-003 XMP metadata: dc:title is missing or empty")


def _check_headings(levels: list[int], failures: list[str]) -> None:
    previous = 0
    for level in levels:
        if level > previous + 1:
            if previous == 0:
                failures.append(f"14-002 the first numbered heading is H{level}, not H1")
            else:
                failures.append(f"14-003 heading levels skip: H{previous} then H{level}")
        previous = level


def _check_content(reader, page, number: int, tree: _Tree, parents: dict, failures) -> None:
    """01-003/-004/-005: every mark on the page is tagged content or an Artifact."""
    where = f"page {number}"
    parent_array = None
    if "/StructParents" in page:
        parent_array = _obj(parents.get(int(page["/StructParents"])))
    contents = page.get_contents()
    if contents is None:
        return
    properties = _obj(_obj(page.get("/Resources") or {}).get("/Properties")) or {}
    stack: list[tuple[str, bool]] = []  # (tag, this level is tagged content with an MCID)
    reported: set[str] = set()

    def fail(message: str) -> None:
        if message not in reported:  # once per page and kind, not once per glyph run
            reported.add(message)
            failures.append(message)

    for operands, operator in ContentStream(contents, reader).operations:
        if operator in (b"BMC", b"BDC"):
            tag = str(operands[0]).lstrip("/")
            props = _obj(operands[1]) if operator == b"BDC" else None
            if isinstance(props, str) or hasattr(props, "startswith"):
                props = _obj(properties.get(props))
            mcid = props.get("/MCID") if isinstance(props, DictionaryObject) else None
            in_artifact = any(t == "Artifact" for t, _ in stack)
            in_tagged = any(tagged for _, tagged in stack)
            if tag == "Artifact" and in_tagged:
                fail(f"01-003 {where}: an Artifact inside tagged content")
            if mcid is not None:
                if in_artifact:
                    fail(f"01-004 {where}: tagged content (MCID {mcid}) inside an Artifact")
                if parent_array is None:
                    fail(f"01-005 {where}: MCID {mcid} but no /StructParents in the ParentTree")
                else:
                    mcid = int(mcid)
                    elem = (
                        list.__getitem__(parent_array, mcid) if mcid < len(parent_array) else None
                    )
                    key = _key(elem)
                    if key is None:
                        fail(
                            f"01-005 {where}: MCID {mcid} has no structure element in the ParentTree"
                        )
                    elif key not in tree.elements:
                        kind = _obj(elem).get("/S")
                        fail(
                            f"01-005 {where}: MCID {mcid} belongs to a {kind} element that is"
                            " not in the structure tree (its parent does not list it)"
                        )
                    elif (_key(page.indirect_reference), mcid, key) not in tree.owned:
                        fail(f"01-005 {where}: MCID {mcid}'s element does not list it as a kid")
            stack.append((tag, mcid is not None))
        elif operator == b"EMC":
            if stack:
                stack.pop()
            else:
                fail(f"7.1 {where}: EMC without BMC/BDC")
        elif operator in PAINT_OPS and not any(t == "Artifact" or m for t, m in stack):
            kind = "text" if operator in TEXT_OPS else "content"
            fail(
                f"01-005 {where}: {kind} ({operator.decode()}) is neither tagged content"
                " nor an Artifact"
            )
    if stack:
        fail(f"7.1 {where}: marked content left open at the end of the content stream")


def _fonts(resources, out: dict[int, object], depth: int = 0) -> None:
    """The fonts of a resource dictionary and of its form XObjects, by object number."""
    resources = _obj(resources) or {}
    for ref in (_obj(resources.get("/Font")) or {}).values():
        out[_key(ref) or id(ref)] = _obj(ref)
    if depth > 8:
        return
    for ref in (_obj(resources.get("/XObject")) or {}).values():
        xobject = _obj(ref)
        if xobject.get("/Subtype") == "/Form" and "/Resources" in xobject:
            _fonts(xobject["/Resources"], out, depth + 1)


def _check_font(font, failures: list[str]) -> None:
    name = str(font.get("/BaseFont", "?"))
    subtype = font.get("/Subtype")
    if subtype == "/Type3":
        return
    faces = [_obj(f) for f in font.get("/DescendantFonts", [])] if subtype == "/Type0" else [font]
    if "/ToUnicode" not in font and not (
        subtype in ("/Type1", "/TrueType") and font.get("/Encoding") in STANDARD_ENCODINGS
    ):
        failures.append(f"7.21.7 font {name} has no /ToUnicode map to Unicode")
    for face in faces:
        if face.get("/Subtype") == "/CIDFontType2" and "/CIDToGIDMap" not in face:
            failures.append(f"7.21.3.2 Type 2 CIDFont {name} has no /CIDToGIDMap")
        descriptor = _obj(face.get("/FontDescriptor")) or {}
        if not any(k in descriptor for k in ("/FontFile", "/FontFile2", "/FontFile3")):
            failures.append(f"7.21.4.1 font {name} is not embedded (no FontFile in its descriptor)")


def check(pdf_bytes: bytes) -> list[str]:
    """The PDF/UA-1 failures a machine can find in ``pdf_bytes``; empty when none."""
    failures: list[str] = []
    reader = PdfReader(io.BytesIO(pdf_bytes))
    if reader.is_encrypted:
        reader.decrypt("")  # an owner password only: readable, /P decides the rest
    root = reader.trailer["/Root"]
    _check_catalog(reader, root, failures)
    _check_xmp(root, failures)

    struct_root = _obj(root.get("/StructTreeRoot"))
    if struct_root is None:
        failures.append("7.1 catalog: no /StructTreeRoot (the document is not tagged)")
        tree, parents = _Tree(DictionaryObject(), failures), {}
    else:
        tree = _Tree(struct_root, failures)
        if "/ParentTree" not in struct_root:
            failures.append("7.1 the structure tree root has no /ParentTree")
            parents = {}
        else:
            parents = _number_tree(struct_root["/ParentTree"], {})
        for kind, target in tree.role_map.items():
            if kind in STANDARD_TYPES:
                failures.append(f"02-003 the standard type /{kind} is role-mapped to /{target}")
            elif tree.standard_type(kind) is None:
                failures.append(f"02-002 role map of /{kind} is circular or ends unmapped")
    _check_headings(tree.headings, failures)
    for missing in sorted(set(tree.headers_used) - tree.header_ids):
        failures.append(f"7.5 a table cell's /Headers names {missing!r}, the /ID of no TH")

    fonts: dict[int, object] = {}
    for number, page in enumerate(reader.pages, 1):
        if page.get("/Tabs") != "/S":
            failures.append(f"28-009 page {number}: /Tabs is not /S")
        _check_content(reader, page, number, tree, parents, failures)
        _fonts(page.get("/Resources"), fonts)
        for ref in page.get("/Annots") or []:
            annot = _obj(ref)
            kind = str(annot.get("/Subtype"))
            hidden = int(annot.get("/F", 0)) & 2  # the Hidden flag
            if kind == "/Popup" or hidden:
                continue
            if _key(ref) not in tree.objrs:
                failures.append(
                    f"7.18.1 page {number}: a {kind} annotation is not in the structure tree"
                )
            if kind != "/Link":
                continue
            if not tree.objrs.get(_key(ref)):
                failures.append(
                    f"28-011 page {number}: a Link annotation is not in a /Link element"
                )
            if not str(annot.get("/Contents") or "").strip():
                failures.append(f"7.18.5 page {number}: a Link annotation has no /Contents")
    for font in fonts.values():
        _check_font(font, failures)
    return failures


def main(argv: list[str]) -> int:
    if len(argv) != 2:
        print("usage: python tests/reports/pdfua_check.py FILE.pdf", file=sys.stderr)
        return 2
    with open(argv[1], "rb") as handle:
        failures = check(handle.read())
    for failure in failures:
        print(failure)
    if not failures:
        print(f"{argv[1]}: no PDF/UA-1 machine-check failures")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
