"""The police.uk street-level format: columns, forces (slug → "Reported by" name) and crime types.

Slugs are those of the data.police.uk API ``/forces`` and of the archive's file names
(``2024-01-west-midlands-street.csv``). Crime types are police.uk's 14 street-level categories,
with the API's category slugs.
"""

FORCES: dict[str, str] = {
    "avon-and-somerset": "Avon and Somerset Constabulary", "bedfordshire": "Bedfordshire Police",
    "btp": "British Transport Police", "cambridgeshire": "Cambridgeshire Constabulary",
    "cheshire": "Cheshire Constabulary", "city-of-london": "City of London Police",
    "cleveland": "Cleveland Police", "cumbria": "Cumbria Constabulary",
    "derbyshire": "Derbyshire Constabulary", "devon-and-cornwall": "Devon & Cornwall Police",
    "dorset": "Dorset Police", "durham": "Durham Constabulary", "dyfed-powys": "Dyfed-Powys Police",
    "essex": "Essex Police", "gloucestershire": "Gloucestershire Constabulary",
    "greater-manchester": "Greater Manchester Police", "gwent": "Gwent Police",
    "hampshire": "Hampshire Constabulary", "hertfordshire": "Hertfordshire Constabulary",
    "humberside": "Humberside Police", "kent": "Kent Police", "lancashire": "Lancashire Constabulary",
    "leicestershire": "Leicestershire Police", "lincolnshire": "Lincolnshire Police",
    "merseyside": "Merseyside Police", "metropolitan": "Metropolitan Police Service",
    "norfolk": "Norfolk Constabulary", "north-wales": "North Wales Police",
    "north-yorkshire": "North Yorkshire Police", "northamptonshire": "Northamptonshire Police",
    "northern-ireland": "Police Service of Northern Ireland", "northumbria": "Northumbria Police",
    "nottinghamshire": "Nottinghamshire Police", "south-wales": "South Wales Police",
    "south-yorkshire": "South Yorkshire Police", "staffordshire": "Staffordshire Police",
    "suffolk": "Suffolk Constabulary", "surrey": "Surrey Police", "sussex": "Sussex Police",
    "thames-valley": "Thames Valley Police", "warwickshire": "Warwickshire Police",
    "west-mercia": "West Mercia Police", "west-midlands": "West Midlands Police",
    "west-yorkshire": "West Yorkshire Police", "wiltshire": "Wiltshire Police",
}
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
