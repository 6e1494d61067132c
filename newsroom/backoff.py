"""How long a side effect that certainly failed (a mail refused, Telegram away) waits before its
next try: ``first`` seconds after the first failure, doubling with each one, at most ``longest``."""

from collections.abc import Callable


def doubling(*, first: int, longest: int) -> Callable[[int], int]:
    """The wait, in seconds, after ``attempts`` failures."""

    def backoff(attempts: int) -> int:
        return min(first * 2 ** max(attempts - 1, 0), longest)

    return backoff
