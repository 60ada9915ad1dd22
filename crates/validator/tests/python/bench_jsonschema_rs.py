"""Benchmark companion: validates the bodies of an NDJSON capture with the `jsonschema_rs`
binding, against the generated schemas, one thread. Prints: seconds exchanges.

usage: bench_jsonschema_rs.py CAPTURE.ndjson SCHEMA_DIR
"""

import base64
import json
import os
import sys
import time

import jsonschema_rs

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from differential import is_datetime  # noqa: E402  (the same format checker)


def main():
    capture, schema_dir = sys.argv[1], sys.argv[2]

    def load(name):
        with open(os.path.join(schema_dir, name), encoding="utf-8") as f:
            return json.load(f)

    fmt = {"huaweicloud-datetime": is_datetime}
    request = jsonschema_rs.Draft202012Validator(load("ListAppConnection.request-body.json"), formats=fmt, validate_formats=True)
    responses = {}
    for name in os.listdir(schema_dir):
        if name.startswith("ListAppConnection.response."):
            code = int(name.split(".")[2])
            responses[code] = jsonschema_rs.Draft202012Validator(load(name), formats=fmt, validate_formats=True)
    start = time.perf_counter()
    n = 0
    with open(capture, "rb") as f:
        for line in f:
            entry = json.loads(line)
            n += 1
            req = entry.get("request", {})
            text = (req.get("postData") or {}).get("text")
            if text is not None:
                try:
                    request.is_valid(json.loads(text))
                except ValueError:
                    pass
            resp = entry.get("response") or {}
            content = resp.get("content") or {}
            text = content.get("text")
            validator = responses.get(resp.get("status"))
            if text is None or validator is None:
                continue
            if content.get("encoding") == "base64":
                text = base64.b64decode(text)
            try:
                validator.is_valid(json.loads(text))
            except ValueError:
                pass
    print(f"{time.perf_counter() - start:.3f} {n}")


if __name__ == "__main__":
    main()
