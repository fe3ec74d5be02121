"""The page of a filing pack as the official templates set it: A4, the template's margins, fonts (named in
the document: 仿宋 body, 黑体 / 楷体 / 仿宋 headings, Times New Roman for digits and letters) at its sizes,
exact line spacing, first-line indent, the language tagged; a header and a footer with page numbers, the
generation date and the rule-pack version. Values come from rules/national/filing_packs.yaml (`layout`)."""
from __future__ import annotations

from docx.document import Document as DocumentType
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_BREAK, WD_LINE_SPACING
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Pt, RGBColor

from advisor.deadlines.filing_packs import Fonts, Layout

LANG_TAG = {"zh": "zh-CN", "en": "en-GB"}


def set_font(target, east: str, latin: str, size: int | None = None, bold: bool | None = None) -> None:
    """Set a style's or run's fonts: East Asian ``east``, Latin ``latin`` (ascii, hAnsi)."""
    font = target.font
    font.name = latin
    rfonts = target.element.get_or_add_rPr().get_or_add_rFonts()
    for attr in ("w:asciiTheme", "w:hAnsiTheme", "w:eastAsiaTheme", "w:cstheme"):   # a theme font would win
        rfonts.attrib.pop(qn(attr), None)
    for attr in ("w:ascii", "w:hAnsi", "w:cs"):
        rfonts.set(qn(attr), latin)
    rfonts.set(qn("w:eastAsia"), east)
    if size is not None:
        font.size = Pt(size)
    if bold is not None:
        font.bold = bold


def _lang(doc: DocumentType, lang: str) -> None:
    """Tag the document's default run language (python-docx's template says en-US everywhere)."""
    defaults = doc.styles.element.find(qn("w:docDefaults"))
    rpr = defaults.find(qn("w:rPrDefault")).find(qn("w:rPr"))
    tag = rpr.find(qn("w:lang"))
    if tag is None:
        tag = OxmlElement("w:lang")
        rpr.append(tag)
    tag.set(qn("w:val"), LANG_TAG[lang])
    tag.set(qn("w:eastAsia"), "zh-CN")
    theme_lang = doc.settings.element.find(qn("w:themeFontLang"))
    if theme_lang is not None:
        theme_lang.set(qn("w:val"), LANG_TAG[lang])
        theme_lang.set(qn("w:eastAsia"), "zh-CN")


def apply_layout(doc: DocumentType, layout: Layout, lang: str) -> Fonts:
    fonts: Fonts = getattr(layout, lang)
    section = doc.sections[0]
    section.page_width, section.page_height = Cm(layout.page.width_cm), Cm(layout.page.height_cm)
    m = layout.margins_cm
    section.top_margin, section.bottom_margin = Cm(m.top), Cm(m.bottom)
    section.left_margin, section.right_margin = Cm(m.left), Cm(m.right)
    _lang(doc, lang)
    styles = doc.styles
    normal = styles["Normal"]
    set_font(normal, fonts.body_font, fonts.latin_font, fonts.body_pt)
    pf = normal.paragraph_format
    pf.line_spacing_rule, pf.line_spacing = WD_LINE_SPACING.EXACTLY, Pt(fonts.line_spacing_pt)
    pf.space_before, pf.space_after = Pt(0), Pt(0)
    body = styles.add_style("Pack Body", 1)
    body.base_style = normal
    if fonts.first_line_indent_chars:
        body.paragraph_format.first_line_indent = Pt(fonts.body_pt * fonts.first_line_indent_chars)
        ind = body.element.get_or_add_pPr().get_or_add_ind()
        ind.set(qn("w:firstLineChars"), str(fonts.first_line_indent_chars * 100))
    for level in (1, 2, 3, 4):   # the templates have three levels; the fourth (a transfer under a point) looks like the third
        style, k = styles[f"Heading {level}"], min(level, 3) - 1
        set_font(style, fonts.heading_fonts[k], fonts.latin_font, fonts.body_pt, fonts.heading_bold[k])
        style.font.italic, style.font.color.rgb = False, RGBColor(0, 0, 0)
        hpf = style.paragraph_format
        hpf.line_spacing_rule, hpf.line_spacing = WD_LINE_SPACING.EXACTLY, Pt(fonts.line_spacing_pt)
        hpf.space_before, hpf.space_after, hpf.keep_with_next = Pt(6), Pt(0), True
    for name, size in (("Pack Title", fonts.title_pt), ("Document Title", fonts.title_pt - 4)):
        style = styles.add_style(name, 1)
        style.base_style = normal
        set_font(style, fonts.title_font, fonts.latin_font, size, True)
        spf = style.paragraph_format
        spf.alignment, spf.line_spacing_rule = WD_ALIGN_PARAGRAPH.CENTER, WD_LINE_SPACING.AT_LEAST
        spf.space_before, spf.space_after, spf.keep_with_next = Pt(12), Pt(12), True
    small = styles.add_style("Pack Small", 1)
    small.base_style = normal
    set_font(small, fonts.body_font, fonts.latin_font, 10)
    small.paragraph_format.line_spacing_rule = WD_LINE_SPACING.SINGLE
    table = styles["Table Grid"]
    set_font(table, fonts.body_font, fonts.latin_font, fonts.body_pt - 2)
    return fonts


def _field(paragraph, code: str) -> None:
    """A Word field (PAGE, NUMPAGES) that the reader fills in when it lays out the pages."""
    run = paragraph.add_run()
    for kind, text in (("begin", None), (None, code), ("separate", None), (None, "1"), ("end", None)):
        if kind:
            el = OxmlElement("w:fldChar")
            el.set(qn("w:fldCharType"), kind)
        elif text == "1":
            el = OxmlElement("w:t")
            el.text = "1"
        else:
            el = OxmlElement("w:instrText")
            el.set(qn("xml:space"), "preserve")
            el.text = f" {text} "
        run._r.append(el)


def header_footer(doc: DocumentType, header: str, page_words: str, tail: str) -> None:
    """Header text on the right; centred footer ``page_words`` ({page}, {pages} become fields) and ``tail``."""
    section = doc.sections[0]
    hp = section.header.paragraphs[0]
    hp.text, hp.style = header, doc.styles["Pack Small"]
    hp.alignment = WD_ALIGN_PARAGRAPH.RIGHT
    fp = section.footer.paragraphs[0]
    fp.style, fp.alignment = doc.styles["Pack Small"], WD_ALIGN_PARAGRAPH.CENTER
    before, _, rest = page_words.partition("{page}")
    middle, _, after = rest.partition("{pages}")
    fp.add_run(before)
    _field(fp, "PAGE")
    fp.add_run(middle)
    _field(fp, "NUMPAGES")
    fp.add_run(after + "    " + tail)


def new_page(doc: DocumentType) -> None:
    doc.add_paragraph().add_run().add_break(WD_BREAK.PAGE)
