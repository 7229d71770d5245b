"""The age bands the platform counts young people in (never ages or dates of birth).

One set for monitoring returns and incident records alike, so that reach and incidents can be set side by
side; "young people" in the partnership's figures are those aged 24 and under.
"""

from django.db import models


class AgeBand(models.TextChoices):
    UNDER_10 = "under_10", "Under 10"
    AGED_10_17 = "10_17", "10 to 17"
    AGED_18_24 = "18_24", "18 to 24"
    AGED_25_PLUS = "25_plus", "25 and over"


#: The bands that make up "young people aged 24 and under".
YOUNG_PEOPLE_BANDS = (AgeBand.UNDER_10, AgeBand.AGED_10_17, AgeBand.AGED_18_24)
