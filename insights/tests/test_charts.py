"""The server-drawn charts print every label whole where two lines hold it (the annual report's themes, the
funding chart's area names), and escape what they print."""

import re
from html import unescape

from insights.charts import bar_chart, paired_bar_chart


def _printed_labels(svg: str) -> list[str]:
    """Each label as a reader sees it: a one-line text, or its two tspans joined by a space."""
    labels = []
    for text in re.findall(r'<text[^>]*text-anchor="end"[^>]*>(.*?)</text>', svg):
        spans = re.findall(r"<tspan[^>]*>(.*?)</tspan>", text)
        labels.append(unescape(" ".join(spans) if spans else text))
    return labels


def test_a_long_label_is_printed_whole_on_two_lines() -> None:
    themes = ["Violence against women and girls", "Serious violence", "Exploitation & county lines in schools"]
    svg = bar_chart(themes, [120.0, 80.0, None], "Funding by theme", "Money awarded by theme")
    assert _printed_labels(svg) == themes
    assert "…" not in svg
    assert "&amp; county lines" in svg  # escaped, not markup


def test_a_label_longer_than_two_lines_is_cut_with_an_ellipsis_and_never_runs_past_its_column() -> None:
    name = "The Very Long Name Of A Neighbourhood That Goes On And On Past Two Lines Of The Chart"
    svg = paired_bar_chart([name, "Easton Borough"], [1.0, 2.0], [3.0, None], "Funding", "Rate", "t", "d")
    printed = _printed_labels(svg)
    assert printed[1] == "Easton Borough"
    assert printed[0].endswith("…") and name.startswith(printed[0][:-1])
    assert all(len(line) <= 28 for line in re.findall(r"<tspan[^>]*>(.*?)</tspan>", svg))
