"""Schemathesis hooks of `.ci/schemathesis` (loaded through SCHEMATHESIS_HOOKS).

The document states every rule about one value (types, formats, patterns, ranges, enums). A few
rules relate values to each other, to the server's state or to the caller, which JSON Schema
cannot state; a *schema-valid* request breaking one is refused with 400 and schemathesis would
report it as "schema-valid request rejected". For **positive** cases only (those meant to be
accepted), these hooks make the request follow those rules, the way a real client does:

- `Idempotency-Key` (every case whose key is valid): a fresh key per request. The API answers a
  key reused with another body with 422 `idempotency_key_reused` (documented, as the IETF draft
  asks); hypothesis draws `"0"`, `"00"`, ... over and over across unrelated requests.
- `cursor`: opaque, only valid when the server made it (`nextCursor`); invented ones are dropped.
- `from` / `to`: `to` must come after `from` (and, for slot searches, at most 31 days after it);
  a `to` that does not is moved to one day after `from`. The same for the body of
  `POST /tas/{taId}/time-off`, whose window lasts at most 90 days.
- `POST /bookings/individual` and `POST /booking-series` by an admin needs `studentId` (a student books for themself): the
  harness's student is named (FUZZ_STUDENT_ID, set for the admin run only).
- `POST /booking-series`: a `recurrence` meant to be valid is a rule of the RRULE subset
  (`FREQ=WEEKLY;COUNT=2`): which parts go together is not something JSON Schema can state.

Negative cases (meant to be refused) are left alone, so every refusal is still fuzzed.
"""

from __future__ import annotations

import os
import re
import uuid
from datetime import datetime, timedelta

import schemathesis

# The documented rule (the header's `pattern`): printable ASCII, no space at either end.
VALID_KEY = re.compile(r"[!-~]([ -~]*[!-~])?")


def _positive(case) -> bool:
    meta = case._meta
    return meta is not None and meta.generation.mode.is_positive


def _instant(value):
    if not isinstance(value, str):
        return None
    try:
        at = datetime.fromisoformat(value.strip().replace("Z", "+00:00").replace("z", "+00:00"))
    except ValueError:
        return None
    return at if at.tzinfo is not None else None


@schemathesis.hook
def map_case(context, case):
    if case.headers:
        headers = dict(case.headers)
        for name, value in headers.items():
            if name.lower() == "idempotency-key" and isinstance(value, str) and VALID_KEY.fullmatch(value):
                headers[name] = f"fuzz-{uuid.uuid4()}"
        case.headers = headers
    if not _positive(case):
        return case
    path = case.operation.path
    method = case.operation.method.upper()

    if case.query:
        query = dict(case.query)
        query.pop("cursor", None)
        start, end = _instant(query.get("from")), _instant(query.get("to"))
        if start is not None and end is not None and not (start < end <= start + timedelta(days=31)):
            try:
                query["to"] = (start + timedelta(days=1)).isoformat()
            except OverflowError:
                query["from"] = (end - timedelta(days=1)).isoformat()
        case.query = query

    if method == "POST" and path == "/api/v1/tas/{taId}/time-off" and isinstance(case.body, dict):
        start, end = _instant(case.body.get("from")), _instant(case.body.get("to"))
        if start is not None and end is not None and not (start < end <= start + timedelta(days=90)):
            try:
                case.body = {**case.body, "to": (start + timedelta(days=1)).isoformat()}
            except OverflowError:
                case.body = {**case.body, "from": (end - timedelta(days=1)).isoformat()}

    # A recurrence is a string of the RRULE subset, whose rules between parts (exactly one of
    # COUNT or UNTIL, BYDAY only weekly) no JSON Schema keyword states; a client sends one.
    if method == "POST" and path == "/api/v1/booking-series" and isinstance(case.body, dict):
        if isinstance(case.body.get("recurrence"), str):
            case.body = {**case.body, "recurrence": "FREQ=WEEKLY;COUNT=2"}

    student = os.environ.get("FUZZ_STUDENT_ID")
    if (
        student
        and method == "POST"
        and path in ("/api/v1/bookings/individual", "/api/v1/booking-series")
        and isinstance(case.body, dict)
        and case.body.get("studentId") is None
    ):
        case.body = {**case.body, "studentId": student}
    return case
