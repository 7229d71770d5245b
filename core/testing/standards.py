"""Validators for the standards the platform publishes, from the standards' own schemas vendored under the tests
(``commissioning/tests/schemas``: 360Giving 1.4.x; ``places/tests/schemas``: Open Referral UK), each with a
format checker (dates, URIs, UUIDs and emails are checked, not only types)."""

import json
import re
from pathlib import Path

import jsonschema

ROOT = Path(__file__).resolve().parent.parent.parent
THREESIXTY = ROOT / "commissioning" / "tests" / "schemas"
OPEN_REFERRAL = ROOT / "places" / "tests" / "schemas"


def threesixty_package() -> jsonschema.Draft202012Validator:
    """The 360Giving package schema, its grant schema resolved locally."""
    from referencing import Registry
    from referencing.jsonschema import DRAFT202012

    grant = json.loads((THREESIXTY / "360-giving-schema.json").read_text())
    package = json.loads((THREESIXTY / "360-giving-package-schema.json").read_text())
    # The schemas name their dialect as http://json-schema.org/draft/2020-12/schema, which `referencing` does
    # not recognise (it knows the https form), so the dialect is given explicitly.
    resource = DRAFT202012.create_resource(grant)
    references = set(re.findall(r'"\$ref": "([^"#]+)', json.dumps(package)))
    registry = Registry().with_resources([(uri, resource) for uri in {*references, grant["$id"]}])
    return jsonschema.Draft202012Validator(package, registry=registry,
                                           format_checker=jsonschema.Draft202012Validator.FORMAT_CHECKER)


def open_referral(name: str) -> jsonschema.Draft202012Validator:
    """An Open Referral UK compiled schema: ``service.json`` or ``service_list.json``."""
    schema = json.loads((OPEN_REFERRAL / name).read_text())
    return jsonschema.Draft202012Validator(schema, format_checker=jsonschema.Draft202012Validator.FORMAT_CHECKER)
