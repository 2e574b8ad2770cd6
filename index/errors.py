"""The one kind of failure the user is meant to read: everything else is a bug, logged with its traceback."""
from __future__ import annotations


class UserError(Exception):
    """An expected, user-facing failure (a missing index, an unreadable file, a bad setting).

    Its message is all the user needs: Chinese first, then English, one line, no traceback.
    """


class ReadError(UserError):
    """A file that cannot be read as a report (message: Chinese first, then English)."""


class StoreError(UserError):
    """An index that is missing, locked, damaged or of another model or format."""


class ModelMismatch(StoreError):
    """The index was built by another model or encoder than the one given."""


class SourcesMismatch(StoreError):
    """The index was built from other folders, and bringing it in line with these would remove their reports."""
