"""The exceptions of the package."""


class GoldenError(Exception):
    """A malformed or unreadable golden or results file, or a suite that cannot be found.
    str() names the file, the case (tcId) and the field."""

    def __init__(self, file, message, tcId=None, field=None):
        self.file = str(file)
        self.tcId = tcId
        self.field = field
        self.message = message
        super().__init__(f"{self.file}: tcId {tcId if tcId is not None else '-'}: "
                         f"field {field if field else '-'}: {message}")


class SelectionError(ValueError):
    """--op / --op-prefix selected nothing (a usage error: exit 2)."""
