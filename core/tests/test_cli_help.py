"""``vrp --help`` says what the platform is and lists its own commands before Django's."""

from vrp.cli import main, platform_commands


def test_help_names_the_platform_and_its_own_commands_first(capsys) -> None:
    main(["vrp", "--help"])
    out = capsys.readouterr().out
    assert out.startswith("VRP Platform:")
    for name in ("ingest", "region", "demo", "report", "backup", "worker"):
        assert f"  vrp {name} " in out
    assert out.index("vrp ingest") < out.index("Available subcommands")
    assert "migrate" not in platform_commands() and "runserver" not in platform_commands()
