"""The look of the default templates: A4, one typeface, navy headings, tables ruled lightly."""

import docx
from docx.document import Document
from docx.enum.table import WD_ROW_HEIGHT_RULE, WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_TAB_ALIGNMENT
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Length, Pt, RGBColor
from docx.table import Table, _Cell, _Row
from docx.text.paragraph import Paragraph
from docx.text.run import Run

FONT = "Calibri"
NAVY = RGBColor(0x1F, 0x38, 0x64)
GREY = RGBColor(0x59, 0x59, 0x59)
TEXT = RGBColor(0x26, 0x26, 0x26)
_NAVY_FILL = "1F3864"
_RULE = "BFBFBF"
_LABEL_WIDTH = Cm(4.5)
# WordprocessingML fixes the order of property elements; Word rejects files that break it.
_AFTER_TBL_BORDERS = ("w:shd", "w:tblLayout", "w:tblCellMar", "w:tblLook", "w:tblCaption")
_AFTER_TC_SHADING = ("w:noWrap", "w:tcMar", "w:textDirection", "w:tcFitText", "w:vAlign")


def new_document(title: str, letterhead_right: str) -> Document:
    """An A4 document with our styles, a letterhead, page numbers and the title."""
    document = docx.Document()
    section = document.sections[0]
    section.page_width, section.page_height = Cm(21), Cm(29.7)
    for side in ("left_margin", "right_margin"):
        setattr(section, side, Cm(2.2))
    section.top_margin, section.bottom_margin = Cm(2.2), Cm(2)
    _restyle(document)
    width = text_width(document)
    header = section.header.paragraphs[0]
    _rule_below(header)  # before the tab stop: w:pBdr precedes w:tabs
    header.paragraph_format.tab_stops.add_tab_stop(width, WD_TAB_ALIGNMENT.RIGHT)
    run(header, "{{ vendor.name }}", bold=True, color=NAVY)
    run(header, f"\t{letterhead_right}", color=GREY)
    footer = section.footer.paragraphs[0]
    footer.alignment = WD_ALIGN_PARAGRAPH.RIGHT
    run(footer, "Page ", color=GREY)
    _field(footer, "PAGE")
    run(footer, " of ", color=GREY)
    _field(footer, "NUMPAGES")
    document.add_paragraph(title, style="Title")
    document.core_properties.title = title
    document.core_properties.author = "Concord"
    return document


def text_width(document: Document) -> Length:
    section = document.sections[0]
    return Length(section.page_width - section.left_margin - section.right_margin)


def run(
    paragraph: Paragraph, text: str, *, bold: bool = False, color: RGBColor | None = None
) -> Run:
    added = paragraph.add_run(text)
    added.bold = bold or None
    if color is not None:
        added.font.color.rgb = color
    return added


def heading(document: Document, text: str) -> Paragraph:
    return document.add_paragraph(text, style="Heading 1")


def table(document: Document, widths: list[float], header: list[str] | None = None) -> Table:
    """A table with column `widths` in cm, light horizontal rules and a navy header row."""
    grid = document.add_table(rows=0, cols=len(widths))
    grid.alignment = WD_TABLE_ALIGNMENT.LEFT
    grid.autofit = False
    for column, width in zip(grid.columns, widths, strict=True):
        column.width = Cm(width)
    _borders(grid)
    if header:
        cells = row(grid, header, bold=True, color=RGBColor(0xFF, 0xFF, 0xFF)).cells
        for cell in cells:
            _shade(cell, _NAVY_FILL)
        _repeat_as_header(grid.rows[0])
    return grid


def row(
    grid: Table,
    values: list[str],
    *,
    bold: bool | set[int] = False,
    color: RGBColor | None = None,
    right: set[int] = frozenset(),
) -> _Row:
    """Add a row; a value with newlines becomes several paragraphs in its cell.

    `bold`: the first line of every cell, or of the cells in these columns.
    """
    added = grid.add_row()
    for index, (cell, value) in enumerate(zip(added.cells, values, strict=True)):
        cell.width = grid.columns[index].width
        lines = value.split("\n")
        for number, line in enumerate(lines):
            paragraph = cell.paragraphs[0] if number == 0 else cell.add_paragraph()
            paragraph.paragraph_format.space_after = Pt(2)
            if index in right:
                paragraph.alignment = WD_ALIGN_PARAGRAPH.RIGHT
            if line:
                strong = bold is True or (isinstance(bold, set) and index in bold)
                run(paragraph, line, bold=strong and number == 0, color=color)
    return added


def facts(document: Document, pairs: list[tuple[str, str]]) -> Table:
    """Label / value rows, labels in grey."""
    grid = table(document, [_LABEL_WIDTH.cm, text_width(document).cm - _LABEL_WIDTH.cm])
    for label, value in pairs:
        added = row(grid, [label, value])
        for paragraph in added.cells[0].paragraphs:
            for piece in paragraph.runs:
                piece.font.color.rgb = GREY
    return grid


def signing_space(grid_row: _Row) -> None:
    grid_row.height = Cm(1.8)
    grid_row.height_rule = WD_ROW_HEIGHT_RULE.AT_LEAST


def top_rule(grid_row: _Row) -> None:
    for cell in grid_row.cells:
        borders = OxmlElement("w:tcBorders")
        borders.append(_border("w:top", size=8, color=_NAVY_FILL))
        cell._tc.get_or_add_tcPr().insert_element_before(borders, "w:shd", *_AFTER_TC_SHADING)


def paragraph(document: Document, text: str = "", *, small: bool = False) -> Paragraph:
    added = document.add_paragraph()
    if text:
        piece = run(added, text, color=GREY if small else None)
        piece.font.size = Pt(8.5) if small else None
    return added


def _restyle(document: Document) -> None:
    styles = document.styles
    for name, size, color, bold in (
        ("Normal", 10.5, TEXT, False),
        ("Title", 24, NAVY, False),
        ("Subtitle", 12, GREY, False),
        ("Heading 1", 13, NAVY, True),
        ("Header", 9, GREY, False),
        ("Footer", 8.5, GREY, False),
    ):
        style = styles[name]
        fonts = style.element.get_or_add_rPr().get_or_add_rFonts()
        for attribute in list(fonts.attrib):
            del fonts.attrib[attribute]  # drop theme fonts, which would win over ours
        style.font.name, style.font.size, style.font.bold = FONT, Pt(size), bold
        style.font.italic = False
        style.font.color.rgb = color
    for name in ("Header", "Footer"):  # their centre and right stops suit Letter, not A4
        styles[name].paragraph_format.tab_stops.clear_all()
    styles["Normal"].paragraph_format.space_after = Pt(6)
    title = styles["Title"].element.get_or_add_pPr()
    for border in title.findall(qn("w:pBdr")):
        title.remove(border)
    styles["Title"].paragraph_format.space_after = Pt(2)
    styles["Heading 1"].paragraph_format.space_before = Pt(16)
    styles["Heading 1"].paragraph_format.space_after = Pt(6)


def _border(tag: str, *, size: int = 4, color: str = _RULE, value: str = "single"):
    element = OxmlElement(tag)
    for name, attribute in (("w:val", value), ("w:sz", str(size)), ("w:color", color)):
        element.set(qn(name), attribute)
    element.set(qn("w:space"), "0")
    return element


def _borders(grid: Table) -> None:
    borders = OxmlElement("w:tblBorders")
    for edge in ("top", "left", "bottom", "right", "insideH", "insideV"):
        visible = edge in ("top", "bottom", "insideH")
        borders.append(_border(f"w:{edge}", value="single" if visible else "nil"))
    grid._tbl.tblPr.insert_element_before(borders, *_AFTER_TBL_BORDERS)


def _shade(cell: _Cell, fill: str) -> None:
    shading = OxmlElement("w:shd")
    shading.set(qn("w:val"), "clear")
    shading.set(qn("w:color"), "auto")
    shading.set(qn("w:fill"), fill)
    cell._tc.get_or_add_tcPr().insert_element_before(shading, *_AFTER_TC_SHADING)


def _repeat_as_header(grid_row: _Row) -> None:
    grid_row._tr.get_or_add_trPr().append(OxmlElement("w:tblHeader"))


def _rule_below(paragraph: Paragraph) -> None:
    borders = OxmlElement("w:pBdr")
    borders.append(_border("w:bottom", size=6))
    paragraph._p.get_or_add_pPr().append(borders)


def _field(paragraph: Paragraph, instruction: str) -> None:
    """A simple field (page number, page count) that Word and LibreOffice update on opening."""
    field = OxmlElement("w:fldSimple")
    field.set(qn("w:instr"), instruction)
    placeholder_run = OxmlElement("w:r")
    text = OxmlElement("w:t")
    text.text = "1"
    placeholder_run.append(text)
    field.append(placeholder_run)
    paragraph._p.append(field)
