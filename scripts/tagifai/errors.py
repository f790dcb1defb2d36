"""Errors a user sees: each says what happened, where, and what to do."""


class TagifaiError(Exception):
    """Base class for errors that end a command with a one-line message (no traceback)."""


class SourceUnavailableError(TagifaiError):
    """A source file or URL could not be reached or read."""


class InputFileError(TagifaiError):
    """A file is not a JSON array of objects (empty, truncated, not JSON, HTML, NaN, ...)."""

    def __init__(self, file: str, position: str, problem: str) -> None:
        self.file = file
        self.position = position
        self.problem = problem
        super().__init__(f"{file}: {position}: {problem}")


class RejectedRecordsError(TagifaiError):
    """--strict was given and some records failed validation; nothing was loaded."""
