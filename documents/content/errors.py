"""Refused uploads, each with a message meant for the person uploading."""

from documents.content.sizes import format_size


class RejectedUpload(ValueError):
    """An upload was refused. `message` is safe to show to the user; `code` is for programs."""

    def __init__(self, message: str, *, code: str) -> None:
        super().__init__(message)
        self.message = message
        self.code = code


class TooLarge(RejectedUpload):
    def __init__(self, max_bytes: int) -> None:
        super().__init__(f"The file is larger than {format_size(max_bytes)}", code="too_large")
        self.max_bytes = max_bytes
