"""WAV to OGG/Opus through ffmpeg: the only format Telegram shows as a voice message."""

from __future__ import annotations

import asyncio
import io
import shutil
from dataclasses import dataclass

from calendar_assistant.speech.problems import SpeechSetupError, SynthesisFailed

#: ffmpeg gives up after this long; a reply is a few seconds of audio.
ENCODE_TIMEOUT_SECONDS = 30.0


@dataclass(frozen=True, slots=True)
class SpokenAudio:
    """A voice reply: OGG/Opus bytes and their length (Telegram shows it)."""

    ogg: bytes
    seconds: float


async def run_program(
    argv: list[str], stdin: bytes, *, limit_seconds: float = ENCODE_TIMEOUT_SECONDS
) -> bytes:
    """Run a program with bytes in and out; a missing program or a failure is a clear error."""
    program = shutil.which(argv[0])
    if program is None:
        raise SpeechSetupError(
            f"{argv[0]} is not installed (Debian: apt-get install {argv[0]}; or `make system-deps`)"
        )
    process = await asyncio.create_subprocess_exec(
        program,
        *argv[1:],
        stdin=asyncio.subprocess.PIPE,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )
    try:
        out, err = await asyncio.wait_for(process.communicate(stdin), limit_seconds)
    except TimeoutError as exc:
        process.kill()
        await process.wait()
        raise SynthesisFailed(f"{argv[0]} took longer than {limit_seconds:.0f} s") from exc
    if process.returncode != 0:
        detail = err.decode("utf-8", "replace").strip().splitlines()[-1:] or ["no message"]
        raise SynthesisFailed(f"{argv[0]} exited with {process.returncode}: {detail[0]}")
    return out


async def encode_ogg_opus(wav: bytes, *, bitrate: str = "32k") -> SpokenAudio:
    """Encode speech as mono 48 kHz Opus in OGG, the way Telegram voice notes are."""
    ogg = await run_program(
        [
            "ffmpeg", "-hide_banner", "-loglevel", "error", "-nostdin",
            "-i", "pipe:0",
            "-map", "0:a:0", "-ac", "1", "-ar", "48000",
            "-c:a", "libopus", "-b:a", bitrate, "-application", "voip",
            "-f", "ogg", "pipe:1",
        ],
        wav,
    )  # fmt: skip
    return SpokenAudio(ogg=ogg, seconds=_ogg_seconds(ogg))


def _ogg_seconds(ogg: bytes) -> float:
    """Length of the encoded audio, read back with PyAV (headers of piped OGG carry none)."""
    import av

    with av.open(io.BytesIO(ogg), mode="r") as container:
        stream = container.streams.audio[0]
        last = 0.0
        for packet in container.demux(stream):
            if packet.pts is not None and packet.duration is not None and packet.time_base:
                last = max(last, float((packet.pts + packet.duration) * packet.time_base))
        return last
