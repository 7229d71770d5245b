"""The police.uk street-level format: columns, forces (slug → "Reported by" name) and crime types.

Slugs are those of the data.police.uk API ``/forces`` and of the archive's file names
(``2024-01-west-midlands-street.csv``). Crime types are police.uk's 14 street-level categories,
with the API's category slugs.
"""

from geography.forces import FORCES  # the forces are geography (region setup needs them); kept here too

FORCE_BY_NAME = {name: slug for slug, name in FORCES.items()}

#: API category slug → street-level CSV crime type.
CRIME_TYPES: dict[str, str] = {
    "anti-social-behaviour": "Anti-social behaviour",
    "bicycle-theft": "Bicycle theft",
    "burglary": "Burglary",
    "criminal-damage-arson": "Criminal damage and arson",
    "drugs": "Drugs",
    "other-theft": "Other theft",
    "possession-of-weapons": "Possession of weapons",
    "public-order": "Public order",
    "robbery": "Robbery",
    "shoplifting": "Shoplifting",
    "theft-from-the-person": "Theft from the person",
    "vehicle-crime": "Vehicle crime",
    "violent-crime": "Violence and sexual offences",
    "other-crime": "Other crime",
}
ANTI_SOCIAL_BEHAVIOUR = "Anti-social behaviour"

#: Mainland UK and islands, generously: points outside are errors, not crimes.
UK_BOUNDS = {"min_lon": -8.7, "max_lon": 1.9, "min_lat": 49.8, "max_lat": 60.9}

#: The street-level CSV's columns, in order.
COLUMNS = ["Crime ID", "Month", "Reported by", "Falls within", "Longitude", "Latitude", "Location",
           "LSOA code", "LSOA name", "Crime type", "Last outcome category", "Context"]
#: DuckDB read_csv options for it: every column as text (validation decides what is valid), no sniffing.
READ_OPTIONS = ("header = true, auto_detect = false, columns = {"
                + ", ".join(f"'{c}': 'VARCHAR'" for c in COLUMNS) + "}, delim = ',', quote = '\"', escape = '\"'")
