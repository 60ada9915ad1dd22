"""Independent verdicts for the differential test of the validator's schema checks.

Reads a corpus written by the Rust test (tests/differential.rs):
    {"schemas": {name: schema}, "cases": [{"schema": name, "body": value}, ...]}
and prints one JSON array: for each case, the sorted list of JSON pointers where the Python
`jsonschema` package (Draft 2020-12, formats asserted) finds an error; [] means valid.

The project's time format, `huaweicloud-datetime`, is registered with the same three forms the
Rust checker accepts: `2022-10-31 08:07:39` (UTC), and RFC 3339 with `Z` or a numeric offset,
fractions of a second allowed in each.
"""

import datetime
import json
import re
import sys

import jsonschema
from jsonschema import Draft202012Validator, FormatChecker

RFC3339 = re.compile(
    r"^(\d{4})-(\d{2})-(\d{2})[Tt](\d{2}):(\d{2}):(\d{2})(\.\d+)?([Zz]|[+-](\d{2}):(\d{2}))$"
)
PLAIN = re.compile(r"^(\d{4})-(\d{2})-(\d{2}) (\d{2}):(\d{2}):(\d{2})(\.\d{1,9})?$")


def _valid_date_time(y, mo, d, h, mi, s):
    try:
        datetime.datetime(int(y), int(mo), int(d), int(h), int(mi), int(s))
    except ValueError:
        return False
    return True


def is_datetime(value):
    if not isinstance(value, str):
        return True
    if "T" in value:
        m = RFC3339.match(value)
        if not m:
            return False
        if m.group(9) is not None and (int(m.group(9)) > 23 or int(m.group(10)) > 59):
            return False
        return _valid_date_time(*m.group(1, 2, 3, 4, 5, 6))
    m = PLAIN.match(value)
    return bool(m) and _valid_date_time(*m.group(1, 2, 3, 4, 5, 6))


def main():
    with open(sys.argv[1], encoding="utf-8") as f:
        corpus = json.load(f)
    checker = FormatChecker(formats=())
    checker.checks("huaweicloud-datetime")(is_datetime)
    validators = {
        name: Draft202012Validator(schema, format_checker=checker)
        for name, schema in corpus["schemas"].items()
    }
    for v in validators.values():
        Draft202012Validator.check_schema(v.schema)
    verdicts = []
    for case in corpus["cases"]:
        errors = validators[case["schema"]].iter_errors(case["body"])
        pointers = set()
        for e in errors:
            path = "".join("/" + str(p).replace("~", "~0").replace("/", "~1") for p in e.absolute_path)
            pointers.add(path)
        verdicts.append(sorted(pointers))
    json.dump(verdicts, sys.stdout)
    sys.stdout.write("\n")
    sys.stderr.write(f"python jsonschema {jsonschema.__version__ if hasattr(jsonschema, '__version__') else ''}: {len(verdicts)} cases\n")


if __name__ == "__main__":
    main()
