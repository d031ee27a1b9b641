"""Every way an account operation can fail, each with a message a user can read."""

from __future__ import annotations

from newsdesk.errors import NewsdeskError


class AccountError(NewsdeskError):
    """An account operation was refused; nothing was changed."""


class WrongCredentials(AccountError):
    """The user name or the password is wrong (which of the two is never said)."""

    def __init__(self) -> None:
        super().__init__("wrong user name or password")


class UserDisabled(AccountError):
    def __init__(self, name: str) -> None:
        super().__init__(f"the account {name!r} is disabled: ask an admin")


class UnknownUser(AccountError):
    def __init__(self, name: str) -> None:
        super().__init__(f"no user named {name!r}")


class NameTaken(AccountError):
    def __init__(self, name: str) -> None:
        super().__init__(f"a user named {name!r} already exists")


class BadName(AccountError):
    pass


class BadLabel(AccountError):
    pass


class WeakPassword(AccountError):
    pass


class LastAdmin(AccountError):
    """The desk would be left without an enabled admin."""
