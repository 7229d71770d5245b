"""Each app brings its own API paths, front-page parts, backup folders and ingest formats (``AppConfig.ready()``),
so the lower layers that serve them (core, insights) import none of the apps above them."""

import pytest

from core import api_registry, backup
from insights import command_extensions


def test_every_app_registers_its_api_paths() -> None:
    prefixes = {path.split("/")[1] for path in api_registry.paths()}
    assert {"insights", "commissioning", "evidence", "places", "openreferral", "partners"} <= prefixes
    document = api_registry.openapi_document()
    assert document["openapi"] == "3.1.0" and "/partners/success.json" in document["paths"]


def test_a_path_registered_twice_differently_is_an_error() -> None:
    api_registry.register_paths({"/test/one.json": {"get": {"summary": "one"}}})
    api_registry.register_paths({"/test/one.json": {"get": {"summary": "one"}}})
    assert api_registry.paths()["/test/one.json"] == {"get": {"summary": "one"}}
    api_registry.register_paths({"/test/one.json": {"get": {"summary": "another"}}})
    try:
        with pytest.raises(ValueError, match="/test/one.json"):
            api_registry.paths()
    finally:
        api_registry._REGISTERED[:] = [r for r in api_registry._REGISTERED
                                       if isinstance(r, str) or "/test/one.json" not in r]
    assert "/test/one.json" not in api_registry.paths()


def test_the_warehouse_and_evidence_folders_are_backed_up() -> None:
    assert set(backup.data_folders()) == {"warehouse", "evidence"}
    with pytest.raises(ValueError, match="warehouse"):
        backup.register_part(backup.BackupPart("warehouse"))


@pytest.mark.django_db
def test_partners_add_their_formats_to_vrp_ingest_and_a_step_after_police_counts() -> None:
    formats = command_extensions.formats()
    assert {"stop-and-search", "outcomes", "indicator"} <= set(formats)
    assert formats["indicator"].reads_files is False and formats["outcomes"].reads_files is True
    said = []
    step = lambda actor: said.append(actor) or f"checked for {actor}"  # noqa: E731
    command_extensions.after_police_counts(step)
    try:
        assert "checked for cli" in command_extensions.police_counts_landed("cli") and said == ["cli"]
    finally:
        command_extensions._AFTER_POLICE.remove(step)


def test_every_registered_figure_has_one_shape() -> None:
    """Every figure of the registry (found in every app's ``figures`` module) carries its computation, columns
    labelled in words (not their keys), its disclosure class, a title and a description; names are unique and
    a second family cannot take a name."""
    from core import figures

    found = figures.all_figures()
    assert len(found) > 20 and len({f.name for f in found}) == len(found)
    assert {f.family for f in found} >= {"insights", "insights-maps", "insights-hotspots", "engagement", "partners"}
    for figure in found:
        assert figure.title and figure.description and callable(figure.compute), figure.name
        assert figure.disclosure in (figures.OPEN, figures.CONTROLLED, figures.SOURCE), figure.name
        assert figure.columns and len({c.key for c in figure.columns}) == len(figure.columns), figure.name
        for column in figure.columns:
            assert column.label and column.label != column.key and "_" not in column.label, (figure.name, column)
    first = found[0]
    with pytest.raises(ValueError, match="registered by"):
        figures.register(figures.Figure(first.name, "another family", "t", "d", first.columns, first.compute))
