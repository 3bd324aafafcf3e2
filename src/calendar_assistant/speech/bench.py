"""`bench stt`: real-time factor, word error rate, model load time and peak memory.

Clips are English calendar commands spoken by espeak-ng and encoded as Telegram voice notes
(OGG/Opus), so the figures cover decoding too. Target: real-time factor 0.25 or less with
Whisper base int8 on two cores. docs/voice.md records the figures.
"""

from __future__ import annotations

import asyncio
import re
import resource
import time
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import TextIO

from calendar_assistant.extras import needs
from calendar_assistant.speech.audio import AudioLimits, decode_audio
from calendar_assistant.speech.synthesis import EspeakSynthesizer
from calendar_assistant.speech.whisper import WhisperEngine

#: What the clips say, written as Whisper writes numbers, so a perfect hearing scores 0.
COMMANDS: tuple[str, ...] = (
    "Lunch with Anna on Friday at 1 pm for 90 minutes",
    "Schedule a meeting with the team tomorrow at 10",
    "What is on my calendar next week",
    "Find me a free hour tomorrow afternoon",
    "Move my dentist appointment to Thursday",
    "Cancel all meetings on Friday",
    "Remind me tomorrow at 9 to call mom",
    "When is my next meeting with Ivan",
    "Book a call with the client on Monday at 3 pm",
    "What do I have today",
)
TARGET_RTF = 0.25

_NUMBER_WORDS = {
    word: str(number)
    for number, word in enumerate(
        [
            "zero",
            "one",
            "two",
            "three",
            "four",
            "five",
            "six",
            "seven",
            "eight",
            "nine",
            "ten",
            "eleven",
            "twelve",
        ]
    )
}
_NOT_WORD = re.compile(r"[^\w\s']")


def normalize_words(text: str) -> str:
    """Lowercase words without punctuation, `p.m.` as `pm`, small number words as digits."""
    text = re.sub(r"\b([ap])\.\s?m\.?", r"\1m", text.lower())
    text = re.sub(r"(\d)([ap]m)\b", r"\1 \2", text)
    words = _NOT_WORD.sub(" ", text.replace("-", " ")).split()
    return " ".join(_NUMBER_WORDS.get(word, word) for word in words)


def word_error_rate(references: Sequence[str], hypotheses: Sequence[str]) -> float:
    """Corpus WER over normalized words (jiwer), 0.0 for a perfect hearing."""
    with needs("voice"):
        import jiwer

    return float(
        jiwer.wer(
            [normalize_words(r) for r in references], [normalize_words(h) for h in hypotheses]
        )
    )


@dataclass(frozen=True, slots=True)
class SttFigures:
    """What one `bench stt` run measured."""

    clips: int
    audio_seconds: float
    load_seconds: float
    transcribe_seconds: float
    cpu_seconds: float
    word_error_rate: float
    peak_memory_mib: float
    mismatches: tuple[tuple[str, str], ...]

    @property
    def real_time_factor(self) -> float:
        return self.transcribe_seconds / self.audio_seconds

    @property
    def cpu_per_audio_second(self) -> float:
        """CPU seconds (all threads) per second of audio: steady even on a busy machine."""
        return self.cpu_seconds / self.audio_seconds


def measure_stt(
    model: str,
    *,
    compute_type: str = "int8",
    cpu_threads: int = 0,
    beam_size: int = 5,
    clips: int = len(COMMANDS),
) -> SttFigures:
    """Synthesize the clips, load the model (timed), warm up once, then time each clip."""
    texts = [COMMANDS[i % len(COMMANDS)] for i in range(clips)]
    synthesizer = EspeakSynthesizer(words_per_minute=130, word_gap=4)
    recordings = [asyncio.run(synthesizer.speak(text, "en")).ogg for text in texts]
    with ThreadPoolExecutor(max_workers=1) as pool:
        engine = WhisperEngine(
            model, pool, compute_type=compute_type, cpu_threads=cpu_threads, beam_size=beam_size
        )
        started = time.perf_counter()
        engine.warm_up()
        load_seconds = time.perf_counter() - started
        limits = AudioLimits()
        engine.transcribe_blocking(decode_audio(recordings[0], limits), language="en", hint=None)
        heard: list[str] = []
        audio_seconds = busy = cpu = 0.0
        for recording in recordings:
            started = time.perf_counter()
            cpu_started = time.process_time()
            audio = decode_audio(recording, limits)
            transcript = engine.transcribe_blocking(audio, language=None, hint="en")
            busy += time.perf_counter() - started
            cpu += time.process_time() - cpu_started
            audio_seconds += audio.seconds
            heard.append(transcript.text)
        engine.close()
    peak_kib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss  # KiB on Linux
    mismatches = tuple(
        (text, hearing)
        for text, hearing in zip(texts, heard, strict=True)
        if normalize_words(text) != normalize_words(hearing)
    )
    return SttFigures(
        clips=len(texts),
        audio_seconds=audio_seconds,
        load_seconds=load_seconds,
        transcribe_seconds=busy,
        cpu_seconds=cpu,
        word_error_rate=word_error_rate(texts, heard),
        peak_memory_mib=peak_kib / 1024,
        mismatches=mismatches,
    )


def print_figures(figures: SttFigures, out: TextIO, *, label: str) -> None:
    verdict = "meets" if figures.real_time_factor <= TARGET_RTF else "MISSES"
    print(f"bench stt: {label}", file=out)
    print(
        f"  clips: {figures.clips}, {figures.audio_seconds:.1f} s of audio (espeak-ng, OGG/Opus)",
        file=out,
    )
    print(f"  model load: {figures.load_seconds:.2f} s", file=out)
    print(
        f"  real-time factor: {figures.real_time_factor:.3f} "
        f"({figures.transcribe_seconds:.2f} s busy; {verdict} the target {TARGET_RTF})",
        file=out,
    )
    print(
        f"  CPU time per audio second: {figures.cpu_per_audio_second:.3f} "
        "(all threads; unlike wall-clock time it stays steady when the cores are shared)",
        file=out,
    )
    print(f"  word error rate: {figures.word_error_rate:.1%}", file=out)
    print(f"  peak memory (RSS): {figures.peak_memory_mib:.0f} MiB", file=out)
    for said, heard in figures.mismatches:
        print(f"  said {said!r}, heard {heard!r}", file=out)
