"""A note for one outbound message: symbols not spoken, stored, served under its URL."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

from minkops.voice import Audio, AudioFormat, MediaStore, SynthesisUnavailable
from minkops.voice.speaker import Speaker


class Recording:
    def __init__(self, fail: bool = False) -> None:
        self.said: list[tuple[str, str]] = []
        self.fail = fail

    def synthesize(self, text: str, language: str, *, audio_format: AudioFormat) -> Audio:
        if self.fail:
            raise SynthesisUnavailable("no engine")
        self.said.append((text, language))
        return Audio(b"OggS" + b"\0" * 60, "audio/ogg", 1.0)


def speaker(tmp_path: Path, synthesizer: Recording) -> Speaker:
    return Speaker(
        synthesizer, MediaStore(tmp_path), "https://minkops.example/", "opus",
        timedelta(hours=1), 60,
    )  # fmt: skip


def test_a_note_is_stored_and_its_url_built_without_speaking_emoji(tmp_path: Path) -> None:
    engine = Recording()
    note = speaker(tmp_path, engine).note("⏰ Recordatorio: sacar el pan", "es")
    assert note is not None and note.url == f"https://minkops.example/media/{note.token}"
    assert engine.said == [("Recordatorio: sacar el pan", "es")]
    stored = MediaStore(tmp_path).get(note.token)
    assert stored is not None and stored.content_type == "audio/ogg"


def test_no_engine_means_no_note_and_the_text_goes_alone(tmp_path: Path) -> None:
    assert speaker(tmp_path, Recording(fail=True)).note("hola", "es") is None
