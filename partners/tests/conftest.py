from insights.tests.conftest import sample_rows, small_street_file  # noqa: F401 - shared real-file fixtures
