"""A chapter's Markdown as HTML that is safe to put in a page: Markdown, then an allow-list sanitiser.

Python-Markdown (CommonMark-like, with tables) writes the HTML; nh3 (the Ammonia sanitiser) then keeps only
the tags and attributes below and only http, https and mailto links, so raw HTML, scripts, event handlers and
``javascript:`` links written into a chapter come out inert. For the exported file (no requests to other
hosts, not even by a click) links become their text followed by the address in brackets.
"""

import xml.etree.ElementTree as ElementTree  # noqa: N813 - the module's usual name

import markdown
import markdown.extensions.toc
import nh3

TAGS = {"p", "br", "strong", "em", "a", "ul", "ol", "li", "blockquote", "code", "pre", "h3", "h4", "h5", "h6", "hr",
        "table", "thead", "tbody", "tr", "th", "td", "span"}
ATTRIBUTES = {"a": {"href", "title"}, "th": {"align"}, "td": {"align"}}
URL_SCHEMES = {"http", "https", "mailto"}


class _LinksAsText(markdown.treeprocessors.Treeprocessor):
    def run(self, root: ElementTree.Element) -> None:
        for element in root.iter("a"):
            href = element.get("href", "")
            element.tag = "span"
            element.attrib.clear()
            # Only addresses a link could have kept are written out (not javascript: and the like).
            if href.split(":", 1)[0].lower() in URL_SCHEMES and href != "".join(element.itertext()):
                element.tail = f" ({href}){element.tail or ''}"


class _LinksAsTextExtension(markdown.Extension):
    def extendMarkdown(self, md: markdown.Markdown) -> None:  # noqa: N802 - Python-Markdown's name
        # After the inline patterns (priority 20), which turn [text](url) and <url> into <a> elements.
        md.treeprocessors.register(_LinksAsText(md), "links_as_text", 5)


def chapter_html(text: str, links_as_text: bool = False) -> str:
    """Markdown ``text`` as sanitised HTML.

    Parameters
    ----------
    text : Markdown as the analyst wrote it (any raw HTML in it is removed, not escaped into view).
    links_as_text : write links as "text (address)" rather than as links, for a file that makes no requests.

    Returns
    -------
    HTML holding only ``TAGS`` and ``ATTRIBUTES``; links are http, https or mailto, with rel="noopener
    noreferrer nofollow".
    """
    # The chapter's title is the page's <h2>: a "#" heading in the text becomes <h3>, "##" <h4> and so on.
    extensions: list = ["tables", "sane_lists", markdown.extensions.toc.TocExtension(baselevel=3)]
    if links_as_text:
        extensions.append(_LinksAsTextExtension())
    html = markdown.markdown(text or "", extensions=extensions, output_format="html")
    tags = TAGS - {"a"} if links_as_text else TAGS
    return nh3.clean(html, tags=tags, attributes=ATTRIBUTES if not links_as_text else {
        k: v for k, v in ATTRIBUTES.items() if k != "a"}, url_schemes=URL_SCHEMES,
        link_rel="noopener noreferrer nofollow")


def plain_text(text: str) -> str:
    """The words of Markdown ``text`` without any markup (for descriptions and search)."""
    return nh3.clean(markdown.markdown(text or ""), tags=set()).strip()
