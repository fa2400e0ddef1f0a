"""Exceptions raised by the Parallax core; the web and CLI layers map them to messages."""

from __future__ import annotations


class AnnotationError(Exception):
    """Root of every error the core raises on purpose."""


class InputError(AnnotationError):
    """Input that cannot become a document (the message says why, in one line)."""


class EmptyInputError(InputError):
    """The input holds no text."""


class InputTooLargeError(InputError):
    """The input is larger than the configured cap."""


class BinaryInputError(InputError):
    """The input is binary data, not text."""


class DecodingError(InputError):
    """The input's bytes are in no encoding Parallax can read."""


class UnsupportedFormatError(InputError):
    """The input's format is not one Parallax reads."""


class SpanError(AnnotationError):
    """A [start, end) span that does not fit its text."""


class UnknownTagError(AnnotationError):
    """A tag or tag set key that is not stored."""


class ConflictError(AnnotationError):
    """An annotation id already saved with different content."""


class AnnotationNotFoundError(AnnotationError):
    """No annotation has the given id."""


class DocumentNotFoundError(AnnotationNotFoundError):
    """No document has the given id."""


class AccountError(AnnotationError):
    """An account that cannot be created as asked (the message says why, in one line)."""


class InvalidUsernameError(AccountError):
    """A username that is empty, too long or uses characters Parallax does not accept."""


class DuplicateUsernameError(AccountError):
    """A username already taken, whatever its case."""


class WeakPasswordError(AccountError):
    """A password too short, too common or too easy to guess."""


class ExerciseError(AnnotationError):
    """An exercise that cannot be made, joined or changed as asked (the message says why)."""


class JoinError(ExerciseError):
    """A join code, display name or password a student cannot join an exercise with."""


class ExerciseClosedError(ExerciseError):
    """Work in an exercise that is not open for it (draft, closed or revealed)."""


class ImportFormatError(AnnotationError):
    """A file to import that cannot be read as a whole (the message says where and why)."""
