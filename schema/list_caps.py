"""A cap on a list argument, checked before the field resolves (`nodes(ids:)`)."""

from __future__ import annotations

from typing import Any

from strawberry.extensions import FieldExtension

from schema.errors import BadUserInput


class MaxItems(FieldExtension):
    """BAD_USER_INPUT when `argument` holds more than `maximum` values: 100,000 ids would
    be 100,000 look-ups for one request."""

    def __init__(self, argument: str, maximum: int) -> None:
        self.argument = argument
        self.maximum = maximum

    def _check(self, kwargs: dict[str, Any]) -> None:
        values = kwargs.get(self.argument)
        if values is not None and len(values) > self.maximum:
            raise BadUserInput(
                f"'{self.argument}' takes at most {self.maximum} values, got {len(values)}.",
                argument=self.argument,
            )

    def resolve(self, next_: Any, source: Any, info: Any, **kwargs: Any) -> Any:
        self._check(kwargs)
        return next_(source, info, **kwargs)

    async def resolve_async(self, next_: Any, source: Any, info: Any, **kwargs: Any) -> Any:
        self._check(kwargs)
        return await next_(source, info, **kwargs)
