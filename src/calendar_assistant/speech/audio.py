"""Audio in: any container PyAV (FFmpeg) reads, to 16 kHz mono float samples, within limits.

Limits are checked in order of cost: the byte size before anything is parsed, the declared
duration from the container header, then the decoded length as it grows, so a file whose
header lies still stops at the cap instead of filling memory.
"""

from __future__ import annotations

import io
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from calendar_assistant.speech.problems import AudioTooLarge, AudioTooLong, AudioUnreadable

#: What Whisper listens to.
SAMPLE_RATE = 16_000


@dataclass(frozen=True, slots=True)
class AudioLimits:
    """Caps on what a user may send: the duration and the file size."""

    max_seconds: int = 120
    max_bytes: int = 20_000_000


@dataclass(frozen=True, slots=True)
class DecodedAudio:
    """A recording ready for an engine: the samples, and the original bytes for endpoints."""

    samples: npt.NDArray[np.float32]
    data: bytes
    container: str

    @property
    def seconds(self) -> float:
        return len(self.samples) / SAMPLE_RATE

    @property
    def file_name(self) -> str:
        """A name with the right extension, which transcription endpoints look at."""
        extension = {"matroska,webm": "webm", "mov,mp4,m4a,3gp,3g2,mj2": "m4a"}.get(
            self.container, self.container.split(",")[0]
        )
        return f"voice.{extension}"


def decode_audio(data: bytes, limits: AudioLimits) -> DecodedAudio:
    """Decode OGG/Opus, MP3, M4A, WAV and the rest into 16 kHz mono float32 samples.

    CPU-bound: channels call it through the speech worker pool, not on the event loop.
    """
    import av
    import av.error

    if len(data) > limits.max_bytes:
        raise AudioTooLarge(len(data), limits.max_bytes)
    if not data:
        raise AudioUnreadable("empty file")
    max_samples = limits.max_seconds * SAMPLE_RATE
    chunks: list[npt.NDArray[np.float32]] = []
    total = 0
    try:
        with av.open(io.BytesIO(data), mode="r", metadata_errors="ignore") as container:
            if not container.streams.audio:
                raise AudioUnreadable("no audio stream")
            declared = container.duration  # microseconds, when the header says
            if declared is not None and declared / 1_000_000 > limits.max_seconds + 0.5:
                raise AudioTooLong(limits.max_seconds)
            stream = container.streams.audio[0]
            resampler = av.AudioResampler(format="flt", layout="mono", rate=SAMPLE_RATE)
            for frame in container.decode(stream):
                for piece in resampler.resample(frame):
                    array = piece.to_ndarray().reshape(-1).astype(np.float32, copy=False)
                    chunks.append(array)
                    total += len(array)
                if total > max_samples + SAMPLE_RATE // 2:
                    raise AudioTooLong(limits.max_seconds)
            for piece in resampler.resample(None):
                chunks.append(piece.to_ndarray().reshape(-1).astype(np.float32, copy=False))
            name = container.format.name
    except (av.error.FFmpegError, ValueError, IndexError, UnicodeDecodeError) as exc:
        raise AudioUnreadable(f"cannot decode audio: {exc}") from exc
    samples = np.concatenate(chunks) if chunks else np.zeros(0, dtype=np.float32)
    if len(samples) > max_samples + SAMPLE_RATE // 2:
        raise AudioTooLong(limits.max_seconds)
    if len(samples) == 0:
        raise AudioUnreadable("no audio samples")
    return DecodedAudio(samples=samples, data=data, container=name)
