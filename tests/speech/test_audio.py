"""Decoding what users send: the formats Telegram and phones produce, and what must be refused."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from calendar_assistant.speech.audio import SAMPLE_RATE, AudioLimits, decode_audio
from calendar_assistant.speech.problems import (
    AudioTooLarge,
    AudioTooLong,
    AudioUnreadable,
    SpeechProblem,
)
from support import says

from .conftest import ffmpeg_audio

TONE = ("-f", "lavfi", "-i", "sine=frequency=440:sample_rate=44100:duration=3")


@pytest.fixture(scope="module")
def ogg_opus() -> bytes:
    return ffmpeg_audio(*TONE, "-c:a", "libopus", "-b:a", "32k", "-f", "ogg", "pipe:1")


@pytest.mark.parametrize(
    ("codec", "container", "name"),
    [
        ("libopus", "ogg", "voice.ogg"),
        ("libmp3lame", "mp3", "voice.mp3"),
        ("pcm_s16le", "wav", "voice.wav"),
        ("aac", "ipod", "voice.m4a"),
    ],
)
def test_formats_decode_to_16_khz_mono(
    tmp_path: Path, codec: str, container: str, name: str
) -> None:
    out = tmp_path / name  # MP4 needs a seekable output, so every format goes to a file
    ffmpeg_audio(*TONE, "-ac", "2", "-c:a", codec, "-f", container, str(out))
    decoded = decode_audio(out.read_bytes(), AudioLimits())
    assert decoded.samples.ndim == 1
    assert decoded.seconds == pytest.approx(3.0, abs=0.1)
    assert decoded.file_name == name
    assert 0.1 < float(abs(decoded.samples).max()) <= 1.0


def test_a_file_over_the_size_cap_is_refused_before_decoding(ogg_opus: bytes) -> None:
    with pytest.raises(AudioTooLarge) as caught:
        decode_audio(ogg_opus, AudioLimits(max_bytes=len(ogg_opus) - 1))
    assert says(caught.value.explain("ru"), "ru", "voice.too_large")
    assert "MB" in caught.value.explain("en")


def test_a_long_recording_is_refused_with_the_limit_in_the_reply(ogg_opus: bytes) -> None:
    with pytest.raises(AudioTooLong) as caught:
        decode_audio(ogg_opus, AudioLimits(max_seconds=2))
    assert "2 секунды" in caught.value.explain("ru")
    assert "2 seconds" in caught.value.explain("en")


def test_the_default_cap_is_two_minutes() -> None:
    assert AudioLimits().max_seconds == 120
    assert "2 минуты" in AudioTooLong(120).explain("ru")
    assert "2 minutes" in AudioTooLong(120).explain("en")


def test_a_header_without_duration_still_stops_at_the_cap() -> None:
    """Raw Opus-in-OGG from a pipe carries no duration; the decoded length is counted."""
    stream = ffmpeg_audio(
        "-f", "lavfi", "-i", "anoisesrc=duration=5:amplitude=0.1",
        "-c:a", "libopus", "-f", "ogg", "pipe:1",
    )  # fmt: skip
    assert len(decode_audio(stream, AudioLimits(max_seconds=6)).samples) > 4 * SAMPLE_RATE
    with pytest.raises(AudioTooLong):
        decode_audio(stream, AudioLimits(max_seconds=3))


@pytest.mark.parametrize(
    "data",
    [
        b"",
        b"not audio at all " * 64,
        b"BEGIN:VCALENDAR\r\nEND:VCALENDAR\r\n",
        bytes(range(256)) * 8,
    ],
)
def test_bytes_that_are_not_audio_get_a_clear_answer(data: bytes) -> None:
    with pytest.raises(AudioUnreadable) as caught:
        decode_audio(data, AudioLimits())
    assert says(caught.value.explain("en"), "en", "voice.unreadable")


def test_a_truncated_recording_decodes_what_is_there_or_is_refused(ogg_opus: bytes) -> None:
    try:
        decoded = decode_audio(ogg_opus[: len(ogg_opus) // 2], AudioLimits())
    except AudioUnreadable:
        return
    assert 0.5 < decoded.seconds < 3.0


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.binary(max_size=4096))
def test_any_bytes_decode_or_get_a_clear_problem(data: bytes) -> None:
    try:
        decoded = decode_audio(data, AudioLimits(max_seconds=5, max_bytes=8192))
    except SpeechProblem as problem:
        replies = [problem.explain("ru"), problem.explain("en")]
    else:
        replies = ["decoded"] * 2
        assert decoded.seconds <= 5.5
    assert all(replies)


@pytest.fixture(scope="module")
def short_ogg() -> bytes:
    return ffmpeg_audio(
        "-f", "lavfi", "-i", "sine=frequency=440:duration=1",
        "-c:a", "libopus", "-f", "ogg", "pipe:1",
    )  # fmt: skip


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(flips=st.lists(st.tuples(st.integers(0, 10**6), st.integers(0, 255)), max_size=8))
def test_a_damaged_voice_note_decodes_or_gets_a_clear_problem(
    short_ogg: bytes, flips: list[tuple[int, int]]
) -> None:
    damaged = bytearray(short_ogg)
    for position, value in flips:
        damaged[position % len(damaged)] = value
    try:
        decode_audio(bytes(damaged), AudioLimits(max_seconds=5))
    except SpeechProblem:
        return
