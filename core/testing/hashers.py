"""A password hasher for the tests: PBKDF2 with one iteration instead of Django's million (0.7 s a password on
the CI machine, paid for every user a test creates and every sign-in it makes).

Its hashes are written ``pbkdf2_sha256$1$…``, so a server started by a test with the production settings
(tests/test_faults_web.py, tests/test_limits_web.py run the app under gunicorn) still checks them: Django's own
PBKDF2 hasher reads the iteration count from the hash.
"""

from django.contrib.auth.hashers import PBKDF2PasswordHasher


class OneIterationPBKDF2PasswordHasher(PBKDF2PasswordHasher):
    """PBKDF2-SHA256, one iteration: for tests only (see the module's docstring)."""

    iterations = 1
