"""Routers in aiogram's spirit: handlers registered behind filters, routers tried in a
fixed order, the first handler that matches answers.

A filter is an async predicate on the message (a command name, an open question in the
dialogue state, a phrase); a router has its own filters too, checked before any of its
handlers. A handler may decline (return None) after a closer look, as /cancel does when
there is nothing to cancel: the next handler, then the next router, is tried. The account
desk builds its routers from these (conversation.account_commands) and hands what none of
them answers to the assistant.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from typing import Generic, TypeVar

from calendar_assistant.domain.messages import Reply

M = TypeVar("M")

#: Whether a message is one for a handler (or a router).
Filter = Callable[[M], Awaitable[bool]]
#: The replies to a message, or None: declined, the next handler is tried.
Handler = Callable[[M], Awaitable[list[Reply] | None]]


@dataclass(frozen=True, slots=True)
class _Route(Generic[M]):
    filters: tuple[Filter[M], ...]
    handler: Handler[M]


async def _matches(filters: Sequence[Filter[M]], message: M) -> bool:
    for accepts in filters:
        if not await accepts(message):
            return False
    return True


class Router(Generic[M]):
    """A named group of handlers behind the router's own filters, tried in the order they
    were registered."""

    def __init__(self, name: str, *filters: Filter[M]) -> None:
        self.name = name
        self._filters = filters
        self._routes: list[_Route[M]] = []

    def handler(self, *filters: Filter[M]) -> Callable[[Handler[M]], Handler[M]]:
        """Register the decorated handler behind `filters` (none: every message)."""

        def register(handler: Handler[M]) -> Handler[M]:
            self.add(handler, *filters)
            return handler

        return register

    def add(self, handler: Handler[M], *filters: Filter[M]) -> None:
        self._routes.append(_Route(filters, handler))

    async def route(self, message: M) -> list[Reply] | None:
        """The first answer of a matching handler; None when none matches or all decline."""
        if not await _matches(self._filters, message):
            return None
        for route in self._routes:
            if await _matches(route.filters, message):
                answer = await route.handler(message)
                if answer is not None:
                    return answer
        return None


async def first_answer(routers: Sequence[Router[M]], message: M) -> list[Reply] | None:
    """The answer of the first router, in order, that has one."""
    for router in routers:
        answer = await router.route(message)
        if answer is not None:
            return answer
    return None
