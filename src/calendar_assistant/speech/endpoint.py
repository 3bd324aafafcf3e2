"""An OpenAI-compatible transcription endpoint as the engine (OpenAI, a local
faster-whisper-server, vLLM, LocalAI): for bigger models than this machine can run."""

from __future__ import annotations

from typing import TYPE_CHECKING

from calendar_assistant.domain.language import Lang
from calendar_assistant.extras import needs
from calendar_assistant.speech.audio import DecodedAudio
from calendar_assistant.speech.problems import NothingHeard, TranscriptionFailed
from calendar_assistant.speech.transcription import Transcript

if TYPE_CHECKING:
    from openai import AsyncOpenAI


class EndpointEngine:
    """POSTs the original recording to `{base_url}/audio/transcriptions`."""

    name = "transcription-endpoint"

    def __init__(
        self,
        base_url: str,
        *,
        api_key: str | None = None,
        model: str = "whisper-1",
        timeout_seconds: float = 60.0,
        max_retries: int = 2,
    ) -> None:
        self._base_url = base_url
        self._api_key = api_key
        self._model = model
        self._timeout = timeout_seconds
        self._max_retries = max_retries
        self._client: AsyncOpenAI | None = None

    def warm_up(self) -> None:
        self._openai()

    def close(self) -> None:
        self._client = None

    async def transcribe(
        self, audio: DecodedAudio, *, language: Lang | None, hint: Lang | None
    ) -> Transcript:
        """The endpoint detects the language itself unless it is forced."""
        with needs("voice"):
            import openai

        from calendar_assistant.understanding.lang_detect import detect_language

        client = self._openai()
        try:
            result = await client.audio.transcriptions.create(
                file=(audio.file_name, audio.data),
                model=self._model,
                language=language if language is not None else openai.omit,
                response_format="json",
            )
        except openai.APIError as exc:
            raise TranscriptionFailed(f"transcription endpoint failed: {exc}") from exc
        text = (result if isinstance(result, str) else getattr(result, "text", "") or "").strip()
        if not text:
            raise NothingHeard()
        heard: Lang = language if language is not None else detect_language(text)
        return Transcript(text, heard, audio.seconds)

    def _openai(self) -> AsyncOpenAI:
        if self._client is None:
            with needs("voice"):
                from openai import AsyncOpenAI

            self._client = AsyncOpenAI(
                base_url=self._base_url,
                api_key=self._api_key or "not-needed",  # local servers take none
                timeout=self._timeout,
                max_retries=self._max_retries,
            )
        return self._client
