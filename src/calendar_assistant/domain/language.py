"""The languages the assistant speaks."""

from typing import Literal, get_args

Lang = Literal["ru", "en"]
LANGS: tuple[Lang, ...] = get_args(Lang)
