"""One test script, two wire formats: scripted answers for either fake server."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from calendar_assistant.understanding.llm.turns import ChatModel
from fakes import anthropic as fa
from fakes import openai as fo
from fakes.anthropic import Reply, ScriptedAPIServer


@dataclass
class Wire:
    """A fake server, the real SDK model pointed at it, and how to script its answers."""

    provider: str
    server: ScriptedAPIServer
    model: ChatModel

    def calls(self, *calls: tuple[str, Any], text: str = "", **usage: int) -> dict[str, Any]:
        """A response with these tool calls (arguments: dict, or a raw str for OpenAI)."""
        if self.provider == "anthropic":
            blocks = ([fa.text_block(text)] if text else []) + [
                fa.tool_use(name, args) for name, args in calls
            ]
            return fa.message(*blocks, **usage)
        return fo.completion(text or None, *(fo.tool_call(n, a) for n, a in calls))

    def text(self, text: str) -> dict[str, Any]:
        if self.provider == "anthropic":
            return fa.message(fa.text_block(text))
        return fo.completion(text)

    def error(self, status: int) -> Reply:
        kinds = {429: "rate_limit_error", 529: "overloaded_error", 500: "api_error"}
        if self.provider == "anthropic":
            return fa.error_reply(status, kinds.get(status, "api_error"), "scripted error")
        return fo.error_reply(status, kinds.get(status, "server_error"), "scripted error")

    def tool_results(self, request: int = -1) -> list[tuple[str, bool]]:
        """(content, is_error) of the tool results the SDK sent in a request."""
        body = self.server.bodies[request]
        out: list[tuple[str, bool]] = []
        for message in body["messages"]:
            if self.provider == "anthropic" and isinstance(message.get("content"), list):
                out += [
                    (block["content"], bool(block.get("is_error")))
                    for block in message["content"]
                    if block.get("type") == "tool_result"
                ]
            elif message.get("role") == "tool":
                out.append((message["content"], '"error"' in message["content"]))
        return out

    def tool_names_sent(self, request: int = -1) -> list[str]:
        tools = self.server.bodies[request]["tools"]
        if self.provider == "anthropic":
            return [tool["name"] for tool in tools]
        return [tool["function"]["name"] for tool in tools]
