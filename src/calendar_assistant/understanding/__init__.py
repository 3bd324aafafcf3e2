"""Understanding: text -> Command. The offline grammar first; an LLM later for the long tail."""

from calendar_assistant.understanding.completion import complete
from calendar_assistant.understanding.lang_detect import detect_language
from calendar_assistant.understanding.parser import parse

__all__ = ["complete", "detect_language", "parse"]
