"""Sounds the channel makes itself (the celebration jingle, `jingle`) and MP3 reading (`mp3`)."""
