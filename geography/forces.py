"""The police forces of England, Wales and Northern Ireland by their police.uk slug, with the name police.uk
writes in a street-level file's "Reported by" column.

Slugs are those of the data.police.uk API ``/forces`` and of the archive's file names
(``2024-01-west-midlands-street.csv``). Region setup finds a police force area's force here; the police.uk
ingest (``insights.ingest.police_uk_format``) reads files with them.
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
