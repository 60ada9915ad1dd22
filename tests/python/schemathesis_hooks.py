"""schemathesis hooks for the ListAppConnection OpenAPI document (load with SCHEMATHESIS_HOOKS).

The time fields carry the custom format `huaweicloud-datetime`. A value of that format is one of
the three forms the API accepts:

    2022-10-31 08:07:39                 (UTC, the form the API reference shows)
    2025-04-24T16:00:00Z                (RFC 3339 in UTC, optional fraction of a second)
    2025-04-24T16:00:00+08:00           (RFC 3339 with an offset, optional fraction)
"""

from datetime import datetime

import schemathesis
from hypothesis import strategies as st

FORMAT = "huaweicloud-datetime"

_times = st.datetimes(min_value=datetime(1, 1, 2), max_value=datetime(9999, 12, 30, 23, 59, 59))
_fractions = st.one_of(
    st.just(""),
    st.integers(min_value=0, max_value=999_999_999).map(lambda n: f".{n:09d}"),
    st.integers(min_value=0, max_value=999).map(lambda n: f".{n:03d}"),
)
# Offsets the RFC allows: -23:59 to +23:59.
_offsets = st.tuples(
    st.sampled_from("+-"), st.integers(min_value=0, max_value=23), st.integers(min_value=0, max_value=59)
).map(lambda o: f"{o[0]}{o[1]:02d}:{o[2]:02d}")


def _stamp(t, separator):
    return (
        f"{t.year:04d}-{t.month:02d}-{t.day:02d}{separator}"
        f"{t.hour:02d}:{t.minute:02d}:{t.second:02d}"
    )


def _plain(t):
    return _stamp(t, " ")


def _rfc3339(t, fraction, zone):
    return _stamp(t, "T") + fraction + zone


huaweicloud_datetimes = st.one_of(
    _times.map(_plain),
    st.builds(_rfc3339, _times, _fractions, st.just("Z")),
    st.builds(_rfc3339, _times, _fractions, _offsets),
)

schemathesis.openapi.format(FORMAT, huaweicloud_datetimes)
