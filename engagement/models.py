"""Training, events and networks: the register the partnership's people figures come from.

* A **competency framework** (levels, each with competency statements) that **courses** map to.
* **Sessions** (a course delivered, or a session of an **event**) with their attendance: **professionals**,
  one row each, counted once a year through a keyed hash of their email (``person_key``; name and email are
  kept only until ``personal_data_until``), and **participant counts** of children, young people and other
  adults by age band and sex (never names).
* **Feedback**: confidence before and after, per competency, from anonymous respondents.
* **Networks** and their members (organisations or people) with join and leave dates.
"""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models

from commissioning.models import Project, Theme
from core.age_bands import AgeBand
from core.models import Organisation, validate_area_codes
from monitoring.models import Sex


class Sector(models.TextChoices):
    EDUCATION = "education", "Education"
    HEALTH = "health", "Health"
    POLICE = "police", "Police"
    LOCAL_AUTHORITY = "local_authority", "Local authority"
    VOLUNTARY = "voluntary", "Voluntary and community"
    FAITH = "faith", "Faith"
    SPORT = "sport", "Sport"
    OTHER = "other", "Other"


class Mode(models.TextChoices):
    IN_PERSON = "in_person", "In person"
    ONLINE = "online", "Online"
    BLENDED = "blended", "Blended"


class Audience(models.TextChoices):
    """Who a course or event is for; participant counts use the last three."""

    PROFESSIONALS = "professionals", "Professionals"
    YOUNG_PEOPLE = "young_people", "Children and young people"
    PARENTS_CARERS = "parents_carers", "Parents and carers"
    COMMUNITY = "community", "Community members"
    MIXED = "mixed", "Mixed audience"


#: The audiences counted by age band and sex rather than one row per person.
COUNTED_AUDIENCES = (Audience.YOUNG_PEOPLE, Audience.PARENTS_CARERS, Audience.COMMUNITY)


class CompetencyFramework(models.Model):
    """A framework the partnership trains to, e.g. the Exploitation and Abuse Competency Framework."""

    name = models.CharField(max_length=200, unique=True)
    description = models.TextField(blank=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class CompetencyLevel(models.Model):
    framework = models.ForeignKey(CompetencyFramework, on_delete=models.CASCADE, related_name="levels")
    number = models.PositiveSmallIntegerField()
    name = models.CharField(max_length=120)
    description = models.TextField(blank=True, help_text="Who the level is for.")

    class Meta:
        ordering = ["framework", "number"]
        constraints = [models.UniqueConstraint(fields=["framework", "number"], name="one_level_number_per_framework")]

    def __str__(self) -> str:
        return f"Level {self.number}: {self.name}"


class Competency(models.Model):
    """One competency statement ("I can recognise the signs of criminal exploitation…") at one level."""

    level = models.ForeignKey(CompetencyLevel, on_delete=models.CASCADE, related_name="competencies")
    code = models.CharField(max_length=20, help_text="e.g. 1.3; unique within the framework.")
    statement = models.TextField()

    class Meta:
        ordering = ["level__framework", "level__number", "code"]
        verbose_name_plural = "competencies"
        constraints = [models.UniqueConstraint(fields=["level", "code"], name="one_competency_code_per_level")]

    def __str__(self) -> str:
        return f"{self.code} {self.statement[:80]}"


class Course(models.Model):
    code = models.SlugField(max_length=40, unique=True, help_text="A short reference, e.g. exploitation-1.")
    title = models.CharField(max_length=200)
    description = models.TextField(blank=True)
    audience = models.CharField(max_length=20, choices=Audience.choices, default=Audience.PROFESSIONALS)
    theme = models.CharField(max_length=30, choices=Theme.choices)
    mode = models.CharField(max_length=12, choices=Mode.choices, default=Mode.IN_PERSON)
    length_minutes = models.PositiveIntegerField(validators=[MinValueValidator(5), MaxValueValidator(60 * 24 * 10)])
    competencies = models.ManyToManyField(Competency, blank=True, related_name="courses")
    is_active = models.BooleanField(default=True)

    class Meta:
        ordering = ["title"]

    def __str__(self) -> str:
        return self.title


class FacilitatorTeam(models.Model):
    """A team that delivers sessions (the VRP's facilitators, a VAWG training team, a provider's trainers)."""

    name = models.CharField(max_length=200, unique=True)
    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="facilitator_teams")

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Event(models.Model):
    """A community or youth event (a hackathon, a roadshow of workshops, a sport event); its sessions hold
    the attendance."""

    class Kind(models.TextChoices):
        HACKATHON = "hackathon", "Hackathon"
        ROADSHOW = "roadshow", "Roadshow"
        SPORT = "sport", "Sport event"
        COMMUNITY = "community", "Community event"
        CONFERENCE = "conference", "Conference"
        OTHER = "other", "Other"

    code = models.SlugField(max_length=60, unique=True, help_text="A short reference, e.g. hope-hack-2025.")
    title = models.CharField(max_length=200)
    kind = models.CharField(max_length=20, choices=Kind.choices)
    description = models.TextField(blank=True)
    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="events",
                                     help_text="Who runs the event.")
    themes = models.JSONField(default=list, blank=True, help_text="Theme codes the event served.")
    area_codes = models.JSONField(default=list, blank=True, validators=[validate_area_codes],
                                  help_text="ONS codes of the places the event served.")
    start_date = models.DateField()
    end_date = models.DateField(null=True, blank=True)

    class Meta:
        ordering = ["-start_date", "title"]

    def __str__(self) -> str:
        return self.title

    def clean(self) -> None:
        unknown = [t for t in self.themes or [] if t not in Theme.values]
        if unknown:
            raise ValidationError({"themes": f"not themes: {', '.join(unknown)}"})

    def theme_labels(self) -> list[str]:
        return [Theme(t).label for t in self.themes or [] if t in Theme.values]


class Session(models.Model):
    """One delivery: a course taught, or one session of an event, on one day in one place."""

    class Source(models.TextChoices):
        FORM = "form", "Recorded on the form"
        EVENTBRITE = "eventbrite", "Imported from Eventbrite"
        CSV = "csv", "Imported from CSV"

    reference = models.CharField(max_length=60, unique=True,
                                 help_text="The session's reference (given by an import, or made up).")
    course = models.ForeignKey(Course, null=True, blank=True, on_delete=models.PROTECT, related_name="sessions")
    event = models.ForeignKey(Event, null=True, blank=True, on_delete=models.PROTECT, related_name="sessions")
    theme = models.CharField(max_length=30, choices=Theme.choices)
    date = models.DateField(db_index=True)
    lad_code = models.CharField(max_length=9, blank=True, help_text="The local authority it was delivered in.")
    lsoa_code = models.CharField(max_length=9, blank=True)
    venue = models.CharField(max_length=200, blank=True)
    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="sessions",
                                     help_text="The delivering organisation: the VRP, a provider or a partner.")
    project = models.ForeignKey(Project, null=True, blank=True, on_delete=models.PROTECT, related_name="sessions",
                                help_text="The commissioned project it was delivered under, if any.")
    facilitator_team = models.ForeignKey(FacilitatorTeam, null=True, blank=True, on_delete=models.PROTECT,
                                         related_name="sessions")
    facilitator = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                    related_name="+")
    eventbrite_event_id = models.CharField(max_length=40, blank=True, db_index=True,
                                           help_text="The Eventbrite event its bookings came from, if any.")
    source = models.CharField(max_length=12, choices=Source.choices, default=Source.FORM)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                    related_name="+")
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-date", "reference"]
        constraints = [models.CheckConstraint(condition=models.Q(course__isnull=False) | models.Q(event__isnull=False),
                                              name="session_of_a_course_or_event")]

    def __str__(self) -> str:
        return f"{self.reference}: {self.title} ({self.date:%d %b %Y})"

    @property
    def title(self) -> str:
        if self.course_id and self.event_id:
            return f"{self.course.title} at {self.event.title}"
        return self.course.title if self.course_id else self.event.title


class ProfessionalAttendance(models.Model):
    """One professional at one session. ``person_key`` is an HMAC of their email (or of their name and
    organisation when no email was given) under ``VRP_ATTENDEE_KEY``, so one person has the same key at every
    session without the platform keeping the email; name and email are blanked after ``personal_data_until``."""

    session = models.ForeignKey(Session, on_delete=models.CASCADE, related_name="professionals")
    person_key = models.CharField(max_length=64, db_index=True)
    name = models.CharField(max_length=200, blank=True)
    email = models.EmailField(blank=True)
    personal_data_until = models.DateField(null=True, blank=True,
                                           help_text="Name and email are removed after this day.")
    organisation_name = models.CharField(max_length=200, blank=True)
    sector = models.CharField(max_length=20, choices=Sector.choices, default=Sector.OTHER)
    role = models.CharField(max_length=120, blank=True, help_text="Job title or role, e.g. designated safeguarding "
                                                                  "lead.")

    class Meta:
        ordering = ["session", "id"]
        constraints = [models.UniqueConstraint(fields=["session", "person_key"], name="one_attendance_per_person")]

    def __str__(self) -> str:
        return f"{self.session.reference}: {self.name or 'a professional'} ({self.get_sector_display()})"


class ParticipantCount(models.Model):
    """How many children and young people (or parents, carers, community members) of one age band and sex
    attended a session: attendances, not people."""

    session = models.ForeignKey(Session, on_delete=models.CASCADE, related_name="participant_counts")
    audience = models.CharField(max_length=20, choices=[(a.value, a.label) for a in COUNTED_AUDIENCES])
    age_band = models.CharField(max_length=10, choices=AgeBand.choices)
    sex = models.CharField(max_length=15, choices=Sex.choices)
    count = models.PositiveIntegerField()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["session", "audience", "age_band", "sex"],
                                               name="one_participant_count_per_cell")]

    def __str__(self) -> str:
        return f"{self.session.reference}: {self.audience} {self.age_band} {self.sex} {self.count}"


class FeedbackAnswer(models.Model):
    """One anonymous respondent's confidence in one competency, before and after (1 not at all … 5 very)."""

    session = models.ForeignKey(Session, on_delete=models.CASCADE, related_name="feedback")
    respondent = models.PositiveIntegerField(help_text="Numbers a response within the session; never a person.")
    competency = models.ForeignKey(Competency, on_delete=models.PROTECT, related_name="feedback")
    before = models.PositiveSmallIntegerField(validators=[MinValueValidator(1), MaxValueValidator(5)])
    after = models.PositiveSmallIntegerField(validators=[MinValueValidator(1), MaxValueValidator(5)])

    class Meta:
        ordering = ["session", "respondent", "competency"]
        constraints = [models.UniqueConstraint(fields=["session", "respondent", "competency"],
                                               name="one_answer_per_respondent_and_competency")]

    def __str__(self) -> str:
        return f"{self.session.reference} #{self.respondent} {self.competency.code}: {self.before}→{self.after}"


class Network(models.Model):
    class Kind(models.TextChoices):
        LOCAL_STAKEHOLDER = "local_stakeholder", "Local stakeholder network"
        FAITH_ALLIANCE = "faith_alliance", "Faith Alliance"
        PROVIDER = "provider", "Provider network"
        OTHER = "other", "Other network"

    name = models.CharField(max_length=200, unique=True)
    kind = models.CharField(max_length=20, choices=Kind.choices)
    description = models.TextField(blank=True)
    area_codes = models.JSONField(default=list, blank=True, validators=[validate_area_codes])

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class NetworkMembership(models.Model):
    """A member of a network from ``joined_on`` until the day before ``left_on``: a platform organisation,
    a directory organisation, another organisation by name, or a person (by name, with their role)."""

    class Kind(models.TextChoices):
        ORGANISATION = "organisation", "Organisation"
        PERSON = "person", "Person"

    network = models.ForeignKey(Network, on_delete=models.CASCADE, related_name="memberships")
    kind = models.CharField(max_length=12, choices=Kind.choices)
    organisation = models.ForeignKey(Organisation, null=True, blank=True, on_delete=models.PROTECT,
                                     related_name="network_memberships")
    directory_organisation = models.ForeignKey("places.DirectoryOrganisation", null=True, blank=True,
                                               on_delete=models.CASCADE, related_name="network_memberships")
    name = models.CharField(max_length=200, blank=True, help_text="A person's name, or an organisation's that is "
                                                                  "not on the platform.")
    role = models.CharField(max_length=120, blank=True, help_text="A person's role, e.g. faith leader.")
    member_of = models.CharField(max_length=200, blank=True, help_text="A person's organisation.")
    joined_on = models.DateField()
    left_on = models.DateField(null=True, blank=True, help_text="The day they left: a member until the day before.")
    is_confirmed = models.BooleanField(default=True, help_text="False for a membership an organisation declared "
                                                               "itself, until the network's coordinator confirms it.")
    source = models.CharField(max_length=60, blank=True)

    class Meta:
        ordering = ["network", "joined_on", "id"]
        constraints = [models.CheckConstraint(condition=models.Q(left_on__isnull=True)
                                              | models.Q(left_on__gt=models.F("joined_on")),
                                              name="leaves_after_joining")]

    def __str__(self) -> str:
        return f"{self.member_name} in {self.network.name}"

    @property
    def member_name(self) -> str:
        if self.organisation_id:
            return self.organisation.name
        if self.directory_organisation_id:
            return self.directory_organisation.name
        return self.name


class ImportBatch(models.Model):
    """One attendance file imported: what, from where, by whom, what it changed (re-importing the same file
    finds this row and changes nothing)."""

    file_name = models.CharField(max_length=255)
    checksum = models.CharField(max_length=64, db_index=True)
    file_format = models.CharField(max_length=12)
    session_reference = models.CharField(max_length=60, blank=True, help_text="The session an Eventbrite file "
                                                                              "was imported into, if given.")
    rows_read = models.PositiveIntegerField(default=0)
    rows_skipped = models.PositiveIntegerField(default=0)
    sessions_created = models.PositiveIntegerField(default=0)
    professionals_added = models.PositiveIntegerField(default=0)
    counts_changed = models.PositiveIntegerField(default=0)
    actor_label = models.CharField(max_length=150)
    at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-at"]
        verbose_name_plural = "import batches"

    def __str__(self) -> str:
        return f"{self.file_name} ({self.file_format}, {self.at:%Y-%m-%d})"
