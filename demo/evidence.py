"""Synthetic evidence items for the demo region: invented evaluations and write-ups, linked to demo projects."""

from datetime import date

from commissioning.models import Project
from evidence.models import EvidenceItem
from evidence.services.items import save_item

ITEMS = [
    ("Hospital navigators in the emergency department: impact evaluation", "impact_evaluation", "health",
     "quasi_experimental", "moderate", "Re-attendance for assault fell among young people seen by a navigator.",
     "SYN-002"),
    ("Mentors in Violence Prevention in secondary schools: process evaluation", "process_evaluation", "education",
     "mixed_methods", "", "Delivery was strongest where a senior leader championed it.", "SYN-005"),
    ("Midnight football: what young people told us", "case_study", "sport", "qualitative", "",
     "Young people valued a safe place on Friday nights and trusted adults.", "SYN-007"),
    ("Custody navigators: pilot evaluation", "pilot_evaluation", "criminal_justice", "pre_post", "low",
     "Most young people accepted an offer of support at the point of arrest.", "SYN-009"),
    ("Systematic review: focused deterrence and group violence", "systematic_review", "criminal_justice",
     "systematic_review", "high", "Focused deterrence strategies reduced group-related violence.", ""),
    ("Town centre night-time economy: a SARA problem-solving write-up", "problem_solving", "place_based",
     "descriptive", "", "Late-night taxi marshals and street pastors were placed at the busiest exits.", "SYN-001"),
    ("Exploitation awareness for parents: good practice", "good_practice", "exploitation", "descriptive", "",
     "Sessions run with schools reached parents who do not attend council events.", "SYN-004"),
    ("Healthy relationships education: partnership network analysis", "academic_paper", "vawg", "network_analysis",
     "", "Schools with a named lead were better connected to specialist services.", "SYN-008"),
]


def add_evidence(actor: str) -> int:
    """Add the synthetic items that are not there yet; returns how many were added."""
    added = 0
    for n, (title, kind, theme, design, impact, findings, project) in enumerate(ITEMS):
        title = f"{title} (synthetic)"
        if EvidenceItem.objects.filter(title=title).exists():
            continue
        item = EvidenceItem(
            title=title, kind=kind, themes=[theme], design=design, yef_impact_band=impact, findings=findings,
            summary=f"An invented item for the demonstration region. {findings}", status="published",
            visibility="partners" if n % 4 == 3 else "public", published_on=date(2023 + n % 3, 1 + n, 15),
            organisations="Synthetic Violence Reduction Partnership",
            sara_scanning="Repeat assaults at closing time." if kind == "problem_solving" else "",
            sara_analysis="Most were within 100 m of two taxi ranks." if kind == "problem_solving" else "",
            sara_response="Marshals, lighting and a late bus." if kind == "problem_solving" else "",
            sara_assessment="Assaults at the ranks fell; displacement was not seen." if kind == "problem_solving"
            else "")
        save_item(actor, item, list(Project.objects.filter(identifier=project)) if project else [])
        added += 1
    return added
