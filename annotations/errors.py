"""Exceptions raised by the Parallax core; the web and CLI layers map them to messages.

Every error carries ``field`` (the input at fault, or None), ``problem`` (one plain line)
and ``code`` (a stable name for programs); its message is ``"field: problem"``, or the
problem alone. Each class names the HTTP ``status`` an API answers it with, so the web
layer maps errors by these attributes and never by their text. The core knows nothing else
of HTTP.
"""

from __future__ import annotations

from typing import Any
from typing import ClassVar

__all__ = [
    "AccountError",
    "AnnotationError",
    "AnnotationNotFoundError",
    "BinaryInputError",
    "ConflictError",
    "DecodingError",
    "DocumentNotFoundError",
    "DuplicateUsernameError",
    "EmptyInputError",
    "ExerciseClosedError",
    "ExerciseError",
    "ImportFormatError",
    "InputError",
    "InputTooLargeError",
    "InvalidUsernameError",
    "JoinError",
    "SpanError",
    "StaleVersionError",
    "TaxonomyError",
    "UnknownTagError",
    "UnsupportedFormatError",
    "WeakPasswordError",
]


class AnnotationError(Exception):
    """Root of every error the core raises on purpose."""

    code: ClassVar[str] = "invalid_annotation"
    status: ClassVar[int] = 422

    def __init__(self, problem: str, *, field: str | None = None) -> None:
        super().__init__(f"{field}: {problem}" if field else problem)
        self.field = field
        self.problem = problem

    def __reduce__(self) -> tuple[Any, ...]:
        return (_rebuild, (type(self), self.problem, self.field))


def _rebuild(cls: type[AnnotationError], problem: str, field: str | None) -> AnnotationError:
    error = cls.__new__(cls)
    AnnotationError.__init__(error, problem, field=field)
    return error


class InputError(AnnotationError):
    """Input that cannot become a document (the message says why, in one line)."""

    code = "invalid_input"


class EmptyInputError(InputError):
    """The input holds no text."""

    code = "empty_input"


class InputTooLargeError(InputError):
    """The input is larger than the configured cap."""

    code = "input_too_large"
    status = 413


class BinaryInputError(InputError):
    """The input is binary data, not text."""

    code = "binary_input"


class DecodingError(InputError):
    """The input's bytes are in no encoding Parallax can read."""

    code = "undecodable_input"


class UnsupportedFormatError(InputError):
    """The input's format is not one Parallax reads."""

    code = "unsupported_format"


class SpanError(AnnotationError):
    """A [start, end) span that does not fit its text."""

    code = "invalid_span"


class UnknownTagError(AnnotationError):
    """A tag or tag set key that is not stored."""

    code = "unknown_tag"


class ConflictError(AnnotationError):
    """An annotation id already saved with different content."""

    code = "conflict"
    status = 409


class StaleVersionError(ConflictError):
    """An edit or delete that started from an older version than the stored annotation."""

    code = "stale_version"


class AnnotationNotFoundError(AnnotationError):
    """No annotation has the given id."""

    code = "not_found"
    status = 404


class DocumentNotFoundError(AnnotationNotFoundError):
    """No document has the given id."""


class AccountError(AnnotationError):
    """An account that cannot be created as asked (the message says why, in one line)."""

    code = "invalid_account"


class InvalidUsernameError(AccountError):
    """A username that is empty, too long or uses characters Parallax does not accept."""

    code = "invalid_username"


class DuplicateUsernameError(AccountError):
    """A username already taken, whatever its case."""

    code = "username_taken"
    status = 409


class WeakPasswordError(AccountError):
    """A password too short, too common or too easy to guess."""

    code = "weak_password"


class ExerciseError(AnnotationError):
    """An exercise that cannot be made, joined or changed as asked (the message says why)."""

    code = "invalid_exercise"


class JoinError(ExerciseError):
    """A join code, display name or password a student cannot join an exercise with."""

    code = "join_refused"


class ExerciseClosedError(ExerciseError):
    """Work in an exercise that is not open for it (draft, closed or revealed)."""

    code = "exercise_closed"
    status = 403


class ImportFormatError(AnnotationError):
    """A file to import that cannot be read as a whole (the message says where and why)."""

    code = "unreadable_import"


class TaxonomyError(AnnotationError):
    """A tag or tag set that breaks a rule; ``field`` names the offending part.

    A duplicate names the tag it clashes with: ``clashes_with`` is that tag's index, and
    ``summary`` the problem without it (``problem`` ends "(already used by tags[3])").
    """

    code = "invalid_tag_set"
    field: str

    def __init__(self, field: str, problem: str, *, clashes_with: int | None = None) -> None:
        full = (
            problem if clashes_with is None else f"{problem} (already used by tags[{clashes_with}])"
        )
        super().__init__(full, field=field)
        self.summary = problem
        self.clashes_with = clashes_with

    def __reduce__(self) -> tuple[Any, ...]:
        return (type(self), (self.field, self.summary), {"clashes_with": self.clashes_with})

    def within(self, prefix: str) -> TaxonomyError:
        """Return the same error with ``prefix`` put before its field (``tags[2].colour``)."""
        return TaxonomyError(f"{prefix}.{self.field}", self.summary, clashes_with=self.clashes_with)
