"""The base of every error Détente reports to a user (printed cleanly, no traceback)."""


class DetenteError(Exception):
    """A problem the user can fix: bad input, an impossible request, an existing output file."""
