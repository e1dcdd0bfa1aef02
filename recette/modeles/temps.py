"""Dates of the data layer: stored in UTC, handed back in the settings' zone (Europe/Paris) as
a ZoneInfo, not a fixed offset, so that deadline arithmetic on them crosses DST correctly."""

from __future__ import annotations

from datetime import datetime

from django.utils import timezone


def en_paris(moment: datetime | None) -> datetime | None:
    return timezone.localtime(moment) if moment is not None else None
