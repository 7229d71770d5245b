"""The state of story maps: stories, their chapters, and the index of areas each story mentions."""

from django.conf import settings
from django.db import models


class Story(models.Model):
    """A story map: a title, a summary and ordered chapters, published to nobody yet, partners or the public."""

    class Visibility(models.TextChoices):
        DRAFT = "draft", "Draft (analysts only)"
        PARTNERS = "partners", "Partners"
        PUBLIC = "public", "Public"

    slug = models.SlugField(max_length=80, unique=True, help_text="The story's address; kept when it is renamed.")
    title = models.CharField(max_length=200)
    summary = models.TextField(blank=True, help_text="One or two sentences shown under the title (plain text).")
    visibility = models.CharField(max_length=10, choices=Visibility.choices, default=Visibility.DRAFT)
    author = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                               related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    published_at = models.DateTimeField(null=True, blank=True, help_text="When it was last made visible.")

    class Meta:
        ordering = ["title", "pk"]
        verbose_name_plural = "stories"

    def __str__(self) -> str:
        return self.title


class Chapter(models.Model):
    """One step of a story: its text and the map view that goes with it."""

    class Layer(models.TextChoices):
        NONE = "none", "No figures: areas and routes only"
        RATES = "rates", "Rate per 1,000 residents"
        HOTSPOTS = "hotspots", "Hot spots (Getis-Ord Gi*, by LSOA)"

    class Level(models.TextChoices):
        LAD = "lad", "Local authorities"
        LSOA = "lsoa", "LSOAs (neighbourhoods)"

    class Source(models.TextChoices):
        POLICE = "police", "Police recorded crime (police.uk, open data)"
        ED = "ed", "Emergency department assault attendances (controlled)"

    story = models.ForeignKey(Story, on_delete=models.CASCADE, related_name="chapters")
    position = models.PositiveSmallIntegerField(help_text="1 for the first chapter.")
    title = models.CharField(max_length=200)
    body = models.TextField(blank=True, help_text="Markdown. Links and lists are kept; HTML is removed.")
    layer = models.CharField(max_length=10, choices=Layer.choices, default=Layer.RATES)
    level = models.CharField(max_length=4, choices=Level.choices, default=Level.LAD,
                             help_text="For the rate layer; hot spots are always by LSOA.")
    source = models.CharField(max_length=10, choices=Source.choices, default=Source.POLICE)
    crime_type = models.CharField(max_length=100, blank=True, help_text="Blank for every type.")
    month_from = models.CharField(max_length=7, blank=True, help_text="YYYY-MM; blank for the latest period.")
    month_to = models.CharField(max_length=7, blank=True, help_text="YYYY-MM; blank for the latest period.")
    filter_area = models.CharField(max_length=9, blank=True, help_text="Figures for this area only (ONS code).")
    extent_area = models.CharField(max_length=9, blank=True, help_text="Fit the map to this area (ONS code).")
    west = models.FloatField(null=True, blank=True)
    south = models.FloatField(null=True, blank=True)
    east = models.FloatField(null=True, blank=True)
    north = models.FloatField(null=True, blank=True)
    highlight_codes = models.JSONField(default=list, blank=True, help_text="ONS codes of areas to outline.")
    routes = models.ManyToManyField("places.Route", blank=True, related_name="story_chapters")

    class Meta:
        ordering = ["story", "position"]
        constraints = [models.UniqueConstraint(fields=["story", "position"], name="one_chapter_per_position")]

    def __str__(self) -> str:
        return f"{self.story.title}, chapter {self.position}: {self.title}"

    @property
    def bounding_box(self) -> tuple[float, float, float, float] | None:
        """(west, south, east, north) in degrees, when the chapter sets one."""
        sides = (self.west, self.south, self.east, self.north)
        return None if None in sides else sides  # type: ignore[return-value]


class StoryArea(models.Model):
    """An area a story mentions (filtered on, fitted to or outlined), and the local authority it lies in, so
    that an area profile can list the stories about it. Rebuilt whenever a chapter changes."""

    story = models.ForeignKey(Story, on_delete=models.CASCADE, related_name="areas")
    area_code = models.CharField(max_length=9, db_index=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["story", "area_code"], name="one_mention_per_area")]

    def __str__(self) -> str:
        return f"{self.story.title}: {self.area_code}"
