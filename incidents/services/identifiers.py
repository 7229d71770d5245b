"""Blocking obvious identifiers in incident text: names after a title or "named", addresses, postcodes,
phone numbers, email addresses, dates of birth, NHS numbers.

Heuristics, deliberately cautious: they catch what people type without thinking (``Mr Smith``, ``12 Acacia
Road``, ``B12 9QT``), not every possible identifier, so the form also tells people what not to write.
"""

import re

PATTERNS = [
    (re.compile(r"\b(?:Mr|Mrs|Ms|Miss|Mx|Dr)\.?\s+[A-Z][a-z'-]+"), "a name with a title"),
    (re.compile(r"\b(?:named|called|name is|known as)\s+[A-Z][a-z'-]+", re.IGNORECASE), "a name"),
    (re.compile(r"\b\d{1,4}[a-zA-Z]?\s+(?:[A-Z][a-z]+\s+){1,3}(?:Road|Rd|Street|St|Avenue|Ave|Lane|Close|Drive|"
                r"Way|Crescent|Grove|Place|Court|Gardens|Terrace|Walk|Hill|Square)\b"), "a street address"),
    (re.compile(r"\b[A-Z]{1,2}\d[A-Z\d]?\s*\d[A-Z]{2}\b"), "a full postcode"),
    (re.compile(r"(?:\+44\s?|\b0)\d{2,4}[\s-]?\d{3,4}[\s-]?\d{3,4}\b"), "a phone number"),
    (re.compile(r"\b[\w.+-]+@[\w-]+\.[\w.-]+\b"), "an email address"),
    (re.compile(r"\b(?:DOB|D\.O\.B\.?|date of birth|born on)\b", re.IGNORECASE), "a date of birth"),
    (re.compile(r"\b\d{3}\s?\d{3}\s?\d{4}\b"), "an NHS or other ten-digit number"),
]


def identifiers_in(text: str) -> list[str]:
    """Descriptions of the identifiers found in ``text`` (each with the words that triggered it)."""
    found = []
    for pattern, label in PATTERNS:
        for match in pattern.finditer(text or ""):
            found.append(f"{label} (“{match.group(0).strip()}”)")
    return found
