"""Submission times, from nbgrader's ``timestamp.txt`` and from LMS file names, read with python-dateutil.

    when, problem = parse_timestamp("2024-03-01 10:00:00.123456 UTC")     # naive UTC datetime, None
    when, problem = parse_lms_time("2024-03-01-10-00-00")                  # Blackboard's attempt stamp

A time that cannot be read is never an exception: the result is (None, a sentence saying what could not
be read), which the caller reports as a warning; the submission is then graded without a time (it sorts
before every timed attempt, so a readable later attempt always wins).
"""
import re
from datetime import datetime

import dateutil.parser
import dateutil.tz

MAX_TIMESTAMP_CHARS = 100  # timestamp.txt is one line; more is not a time
# Blackboard's (and nbgrader's documented example's) attempt stamp: YYYY-MM-DD-HH-MM-SS, always 19 characters.
LMS_STAMP = re.compile(r"(\d{4})-(\d{2})-(\d{2})-(\d{2})-(\d{2})-(\d{2})")


def _as_utc(value):
    """A naive UTC datetime (nbgrader's convention: aware times converted, naive ones taken as UTC)."""
    if value.tzinfo is not None:
        value = value.astimezone(dateutil.tz.UTC).replace(tzinfo=None)
    return value


def parse_timestamp(text):
    """nbgrader's ``timestamp.txt`` text -> (naive UTC datetime or None, problem or None).

    nbgrader writes ``2024-03-01 10:00:00.123456 UTC`` (``nbgrader.utils.parse_utc`` reads "<date> <time>
    [<zone>]", the zone a name or an offset); anything else dateutil reads as a date and time is taken too.
    """
    if text is None:
        return None, None
    text = text.strip()
    if not text:
        return None, "it is empty"
    if len(text) > MAX_TIMESTAMP_CHARS:
        return None, f"it is {len(text):,} characters long, not a time"
    parts = text.split()
    candidates = []
    if len(parts) == 3:  # "<date> <time> <zone>", as nbgrader writes it
        zone = parts[2]
        candidates.append((" ".join(parts[:2]), zone))
    candidates.append((text, None))
    for value, zone in candidates:
        try:
            tzinfo = None
            if zone is not None:
                tzinfo = dateutil.tz.gettz(zone) if not zone.lstrip("+-").isdigit() else None
                if tzinfo is None and zone.upper() not in ("UTC", "Z", "GMT"):
                    continue  # an unknown zone or a bare number: read the whole text instead
            parsed = dateutil.parser.parse(value)
            if tzinfo is not None and parsed.tzinfo is None:
                parsed = parsed.replace(tzinfo=tzinfo)
            return _as_utc(parsed), None
        except (ValueError, OverflowError, TypeError, dateutil.parser.ParserError):
            continue
    return None, f"{text[:60]!r} is not a date and time"


def parse_lms_time(text):
    """An LMS file name's ``YYYY-MM-DD-HH-MM-SS`` -> (naive datetime or None, problem or None).

    The dashes between the time's fields are why a general parser cannot be given the text as it is
    (dateutil reads ``10-00-00`` as a date); the fields are named, then dateutil checks the values
    (month 13, 30 February, hour 24 are problems, not exceptions). The LMS writes its server's local
    time; all attempts of one download share it, so they compare correctly.
    """
    match = LMS_STAMP.fullmatch(text or "")
    if not match:
        return None, f"{str(text)[:40]!r} is not a YYYY-MM-DD-HH-MM-SS time"
    year, month, day, hour, minute, second = match.groups()
    try:
        return dateutil.parser.isoparse(f"{year}-{month}-{day}T{hour}:{minute}:{second}"), None
    except (ValueError, OverflowError):
        return None, f"{text!r} is not a valid date and time"


def latest(items, when):
    """The item whose ``when(item)`` is latest; untimed items sort before every timed one; ties keep the
    later item in ``items`` (the order the LMS listed them)."""
    best = None
    for item in items:
        if best is None or _order(when(item)) >= _order(when(best)):
            best = item
    return best


def _order(value):
    return (value is not None, value or datetime.min)
