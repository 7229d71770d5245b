"""The evidence repository: local evaluations, research, good practice and problem-solving write-ups.

Ratings follow the conventions practitioners already use: the Youth Endowment Fund Toolkit (estimated
impact on violence as a band and a percentage, evidence quality 1–5, cost 1–3) and EMMIE (Johnson, Tilley &
Bowers 2015, "Introducing EMMIE: an evidence rating scale to encourage mixed-method crime prevention
synthesis reviews", J Exp Criminol 11: effect, mechanism, moderators, implementation, economic cost), each a
0–4 strength-of-evidence rating with notes.
"""

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models

from commissioning.models import Project
from core.models import validate_area_codes


class Kind(models.TextChoices):
    IMPACT_EVALUATION = "impact_evaluation", "Impact evaluation"
    PROCESS_EVALUATION = "process_evaluation", "Process evaluation"
    SYSTEM_CHANGE_EVALUATION = "system_change_evaluation", "System change evaluation"
    PILOT_EVALUATION = "pilot_evaluation", "Pilot evaluation"
    SYSTEMATIC_REVIEW = "systematic_review", "Systematic review"
    ACADEMIC_PAPER = "academic_paper", "Academic paper"
    GOOD_PRACTICE = "good_practice", "Good practice"
    PROBLEM_SOLVING = "problem_solving", "Problem-solving approach (SARA)"
    TOOLKIT = "toolkit", "Toolkit"
    CASE_STUDY = "case_study", "Case study"


class Design(models.TextChoices):
    RCT = "rct", "Randomised controlled trial"
    QUASI_EXPERIMENTAL = "quasi_experimental", "Quasi-experimental"
    PRE_POST = "pre_post", "Pre/post"
    QUALITATIVE = "qualitative", "Qualitative"
    MIXED_METHODS = "mixed_methods", "Mixed methods"
    SYSTEMATIC_REVIEW = "systematic_review", "Systematic review or meta-analysis"
    DESCRIPTIVE = "descriptive", "Descriptive or case study"
    NETWORK_ANALYSIS = "network_analysis", "Network analysis"
    OTHER = "other", "Other"


class Setting(models.TextChoices):
    SCHOOL = "school", "School or college"
    EMERGENCY_DEPARTMENT = "ed", "Emergency department"
    CUSTODY = "custody", "Police custody"
    COMMUNITY = "community", "Community"
    SPORT = "sport", "Sport"
    YOUTH_SERVICE = "youth_service", "Youth service"
    HOME = "home", "Home and family"
    ONLINE = "online", "Online"
    CRIMINAL_JUSTICE = "criminal_justice", "Courts, probation or youth justice"


class ImpactBand(models.TextChoices):
    """YEF Toolkit's estimated impact on violence."""

    HIGH = "high", "High"
    MODERATE = "moderate", "Moderate"
    LOW = "low", "Low"
    NO_EFFECT = "none", "No effect"
    HARMFUL = "harmful", "Harmful"
    UNCLEAR = "unclear", "Unclear"


def rating(top: int, label: str) -> models.PositiveSmallIntegerField:
    return models.PositiveSmallIntegerField(null=True, blank=True, verbose_name=label,
                                            validators=[MinValueValidator(0 if top == 4 else 1),
                                                        MaxValueValidator(top)])


class EvidenceItem(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", "Draft"
        PUBLISHED = "published", "Published"

    class Visibility(models.TextChoices):
        PUBLIC = "public", "Public"
        PARTNERS = "partners", "Partners only"

    title = models.CharField(max_length=300)
    summary = models.TextField()
    kind = models.CharField(max_length=30, choices=Kind.choices)
    authors = models.CharField(max_length=500, blank=True, help_text="People, separated by semicolons.")
    organisations = models.CharField(max_length=500, blank=True, help_text="Organisations, separated by semicolons.")
    published_on = models.DateField(null=True, blank=True, help_text="When the work was published or completed.")
    themes = models.JSONField(default=list, blank=True, help_text="Commissioning themes.")
    intervention_type = models.CharField(max_length=200, blank=True, help_text="e.g. mentoring, focused deterrence")
    settings = models.JSONField(default=list, blank=True)
    age_from = models.PositiveSmallIntegerField(null=True, blank=True, validators=[MaxValueValidator(120)])
    age_to = models.PositiveSmallIntegerField(null=True, blank=True, validators=[MaxValueValidator(120)])
    area_codes = models.JSONField(default=list, blank=True, validators=[validate_area_codes])
    design = models.CharField(max_length=30, choices=Design.choices, blank=True)
    sample_size = models.PositiveIntegerField(null=True, blank=True)
    findings = models.TextField(blank=True)
    # SARA problem-solving write-ups (Eck & Spelman 1987): one field per stage.
    sara_scanning = models.TextField(blank=True, verbose_name="SARA: scanning")
    sara_analysis = models.TextField(blank=True, verbose_name="SARA: analysis")
    sara_response = models.TextField(blank=True, verbose_name="SARA: response")
    sara_assessment = models.TextField(blank=True, verbose_name="SARA: assessment")
    yef_impact_band = models.CharField(max_length=10, choices=ImpactBand.choices, blank=True,
                                       verbose_name="YEF: estimated impact on violence")
    yef_impact_percent = models.DecimalField(max_digits=5, decimal_places=1, null=True, blank=True,
                                             verbose_name="YEF: estimated change in violence (%)",
                                             help_text="Negative for a reduction, e.g. -13.")
    yef_evidence_quality = rating(5, "YEF: evidence quality (1–5)")
    yef_cost = rating(3, "YEF: cost (1–3)")
    emmie_effect = rating(4, "EMMIE: effect (0–4)")
    emmie_mechanism = rating(4, "EMMIE: mechanism (0–4)")
    emmie_moderators = rating(4, "EMMIE: moderators (0–4)")
    emmie_implementation = rating(4, "EMMIE: implementation (0–4)")
    emmie_economic = rating(4, "EMMIE: economic cost (0–4)")
    rating_notes = models.TextField(blank=True, help_text="Why the ratings are what they are.")
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.DRAFT)
    visibility = models.CharField(max_length=10, choices=Visibility.choices, default=Visibility.PUBLIC)
    links = models.JSONField(default=list, blank=True, help_text="External links: [{'title': …, 'url': …}].")
    projects = models.ManyToManyField(Project, blank=True, related_name="evidence")
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-published_on", "title"]

    def __str__(self) -> str:
        return self.title


class Attachment(models.Model):
    """An uploaded PDF or DOCX, stored by checksum, with the text extracted from it for search."""

    item = models.ForeignKey(EvidenceItem, on_delete=models.CASCADE, related_name="attachments")
    original_name = models.CharField(max_length=255)
    content_type = models.CharField(max_length=100)
    size_bytes = models.PositiveBigIntegerField()
    sha256 = models.CharField(max_length=64)
    stored_name = models.CharField(max_length=100, help_text="File name under $VRP_DATA_DIR/evidence.")
    extracted_text = models.TextField(blank=True)
    extraction_note = models.CharField(max_length=300, blank=True,
                                       help_text="Why no text could be extracted, when none could.")
    uploaded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["original_name"]

    def __str__(self) -> str:
        return self.original_name
