"""Voice: speech to text (faster-whisper or an endpoint) and spoken replies (espeak-ng, piper).

The server calls `voice.open_voice(config)` once (`VoiceConfig`, its slice of the settings),
then `Voice.transcribe(bytes, hint=lang)` for a voice message and `Voice.speak(text, lang)` for a voice reply; every failure is a
`problems.SpeechProblem` whose `explain(lang)` is the reply to send. Nothing is imported
here, so the command line starts fast: import from the modules.
"""
