"""Voice: speech to text (faster-whisper or an endpoint) and spoken replies (espeak-ng, piper).

Channels call `open_voice(settings)` once, then `Voice.transcribe(bytes, hint=lang)` for a
voice message and `Voice.speak(text, lang)` for a voice reply; every failure is a
`SpeechProblem` whose `explain(lang)` is the reply to send.
"""

from calendar_assistant.speech.audio import AudioLimits, DecodedAudio, decode_audio
from calendar_assistant.speech.opus import SpokenAudio
from calendar_assistant.speech.problems import (
    AudioTooLarge,
    AudioTooLong,
    AudioUnreadable,
    NothingHeard,
    SpeechBusy,
    SpeechProblem,
    SpeechSetupError,
    SynthesisFailed,
    TranscriptionFailed,
    VoiceOff,
)
from calendar_assistant.speech.transcription import Transcript, TranscriptionEngine
from calendar_assistant.speech.voice import Voice, open_voice

__all__ = [
    "AudioLimits",
    "AudioTooLarge",
    "AudioTooLong",
    "AudioUnreadable",
    "DecodedAudio",
    "NothingHeard",
    "SpeechBusy",
    "SpeechProblem",
    "SpeechSetupError",
    "SpokenAudio",
    "SynthesisFailed",
    "Transcript",
    "TranscriptionEngine",
    "TranscriptionFailed",
    "Voice",
    "VoiceOff",
    "decode_audio",
    "open_voice",
]
