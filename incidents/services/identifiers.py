"""Blocking obvious identifiers in incident text: names after a title, a role ("victim …") or "named", street
addresses, postcodes, phone numbers, email addresses (spelled out too), dates of birth, NHS numbers.

Text is normalised first (Unicode NFKC, so full-width ``Ｓｍｉｔｈ`` and other compatibility forms read as
``Smith``; invisible format characters such as zero-width spaces removed), and cue words are matched in any
case, so ``MR SMITH``, ``postcode b15 2tt`` and ``jayden dot okafor at gmail dot com`` are caught as
``Mr Smith``, ``B15 2TT`` and an email address are.

Heuristics, deliberately cautious: they catch what people type without thinking, not every possible
identifier, so the form also tells people what not to write. What they cannot catch: a name with no cue
(no title, role word with a name-shaped or aged phrase, "named" or "called": "Jayden was hurt"); a name in
another script or spelled with look-alike letters from another alphabet (Cyrillic "а" for Latin "a"); a
name spelled out letter by letter or split with spaces; nicknames and descriptions that identify someone
("the tallest boy in year 10"); an address without a house number or street word ("the flat above the
chip shop"); numbers written as words ("oh seven seven…"); a date of birth with no "born" or "DOB".
Coordinators review free text; the audit log keeps who wrote what.
"""

import re
import unicodedata

#: Words between a cue and a name that show it is ordinary prose, not a name.
_PROSE = (r"(?:was|is|were|are|had|has|have|and|or|but|the|a|an|who|which|that|aged|age|of|in|at|on|with|from|"
          r"to|by|near|after|before|being|been|not|no|also|then|when|while|had|did|for|as|it|he|she|they|his|"
          r"her|their|him|them|this|these|those|one|two|three|four|five|six|seven|eight|nine|ten)")
_WORD = rf"(?!{_PROSE}\b)[a-z][a-z'-]*"
_ROLES = (r"victim|suspect|offender|perpetrator|witness|casualty|patient|pupil|student|boy|girl|teenager|youth|"
          r"child|son|daughter|brother|sister|mother|mum|father|dad|friend|cousin|nephew|niece|stepson|stepdaughter")
#: Capitalised words that follow a role word in the names of services, not of people ("Victim Support").
_NOT_A_NAME = r"(?!(?i:Support|Services?|Liaison|Care|Team|Unit|Officers?|Hub|Champions?|Voice|Code|Impact)\b)"
_NAME = r"[A-Z][a-z'-]+"
_CAPITALS = rf"{_NOT_A_NAME}(?!(?i:{_PROSE})\b)[A-Z]{{2,}}"
_AGE = r"(?:,\s*(?:aged?\s*)?|\s*\(\s*(?:aged?\s*)?|\s+aged?\s+)\d{1,2}\b"
_STREETS = (r"road|rd|street|st|avenue|ave|lane|ln|close|drive|dr|way|crescent|cres|grove|place|pl|court|ct|gardens|"
            r"gdns|terrace|walk|hill|square|sq|row|mews|rise|view|parade|green|park|croft|fold|vale")
_MONTHS = (r"jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|sep(?:t(?:ember)?)?|"
           r"oct(?:ober)?|nov(?:ember)?|dec(?:ember)?")
_DOT = r"\s*(?:\.|\(\s*dot\s*\)|\[\s*dot\s*\]|\s+dot\s+)\s*"
_AT = r"\s*(?:@|\(\s*at\s*\)|\[\s*at\s*\]|\s+at\s+)\s*"

PATTERNS = [
    (re.compile(rf"\b(?:Mr|Mrs|Ms|Miss|Mx|Dr|Master)\.?\s+{_NAME}"), "a name with a title"),
    (re.compile(r"\b(?:mr|mrs|ms|mx)\.?\s+[a-z][a-z'-]+", re.IGNORECASE), "a name with a title"),
    (re.compile(rf"\b(?:named|name is|known as|goes by)\s+{_WORD}", re.IGNORECASE), "a name"),
    (re.compile(rf"\bcalled\s+(?!(?:Police|The|An?|For|Back|Out|In|Off)\b){_NAME}"), "a name"),
    (re.compile(rf"\b(?i:{_ROLES})\s+{_NOT_A_NAME}{_NAME}(?:\s+{_NAME})+"), "a name after a role"),
    (re.compile(rf"\b(?i:{_ROLES})\s+{_NOT_A_NAME}{_NAME}{_AGE}"), "a name after a role"),
    (re.compile(rf"\b(?i:{_ROLES})\s+{_CAPITALS}(?:\s+{_CAPITALS})+\b"), "a name after a role"),
    (re.compile(rf"\b(?:{_ROLES})\s+(?:{_WORD}\s+){{0,2}}{_WORD}{_AGE}", re.IGNORECASE), "a name after a role"),
    (re.compile(rf"\b\d{{1,4}}[a-z]?,?\s+(?:{_WORD}\s+){{1,3}}(?:{_STREETS})\b", re.IGNORECASE), "a street address"),
    (re.compile(r"\b(?:lives|living|resides|residing|staying|address(?:\s+is)?)\s*(?:at|on|is|:)?\s*"
                r"(?:flat\s+|number\s+|no\.?\s*)?\d+", re.IGNORECASE), "an address"),
    (re.compile(r"\b[A-Z]{1,2}\d[A-Z\d]?\s*\d[A-Z]{2}\b", re.IGNORECASE), "a full postcode"),
    (re.compile(r"(?:\+44\s?\(?0?\)?\s?|\(?\b0)\d{2,4}\)?[\s.-]?\d{3,4}[\s.-]?\d{3,4}\b"), "a phone number"),
    (re.compile(r"\b[\w.+-]+@[\w-]+\.[\w.-]+\b"), "an email address"),
    (re.compile(rf"\b[a-z0-9_%+-]+(?:{_DOT}[a-z0-9_%+-]+)*{_AT}[a-z0-9-]+(?:{_DOT}[a-z0-9-]+)*{_DOT}"
                r"(?:com|org|net|uk|io|info|biz|edu|gov)\b", re.IGNORECASE), "an email address"),
    (re.compile(r"\b(?:DOB|D\.O\.B\.?|date of birth|born on|birthday)\b", re.IGNORECASE), "a date of birth"),
    (re.compile(rf"\bborn\s+(?:on\s+)?(?:the\s+)?\d{{1,2}}(?:st|nd|rd|th)?\s+(?:of\s+)?(?:{_MONTHS})\b",
                re.IGNORECASE), "a date of birth"),
    (re.compile(rf"\bborn\s+(?:in\s+|on\s+)?(?:{_MONTHS})\s+(?:\d{{1,2}}(?:st|nd|rd|th)?,?\s+)?\d{{4}}\b",
                re.IGNORECASE), "a date of birth"),
    (re.compile(r"\bborn\s+(?:on\s+)?\d{1,2}[/.-]\d{1,2}[/.-]\d{2,4}\b", re.IGNORECASE), "a date of birth"),
    (re.compile(r"\b\d{3}[\s.-]?\d{3}[\s.-]?\d{4}\b"), "an NHS or other ten-digit number"),
    (re.compile(r"\bNHS\s*(?:no\.?|number|num|#)\s*:?\s*\d", re.IGNORECASE), "an NHS number"),
]


def normalise(text: str) -> str:
    """Text as the checks read it: Unicode NFKC (full-width and other compatibility forms to their plain
    letters and digits) with invisible format characters (zero-width spaces and joiners, soft hyphens,
    direction marks) removed."""
    folded = unicodedata.normalize("NFKC", text or "")
    return "".join(ch for ch in folded if unicodedata.category(ch) != "Cf")


def identifiers_in(text: str) -> list[str]:
    """Descriptions of the identifiers found in ``text`` (each with the words that triggered it)."""
    found: list[str] = []
    plain = normalise(text)
    for pattern, label in PATTERNS:
        for match in pattern.finditer(plain):
            description = f"{label} (“{match.group(0).strip()}”)"
            if description not in found:
                found.append(description)
    return found
