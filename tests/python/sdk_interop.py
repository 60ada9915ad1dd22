#!/usr/bin/env python3
"""The official Python SDK against the reference server (`workspaceapp serve` / crate workspaceapp-mock).

Calls `list_app_connection` with AK/SK credentials and with an X-Auth-Token, checks the answers
against expectations computed by the caller, and checks that bad input, bad credentials and
injected faults raise the SDK's exceptions with the right status, error code and request id.

Usage: sdk_interop.py --endpoint http://127.0.0.1:PORT --project-id ID --cases cases.json
       [--faulty-endpoint http://127.0.0.1:PORT2]
Credentials come from the environment (never from arguments): HUAWEICLOUD_SDK_AK,
HUAWEICLOUD_SDK_SK and WORKSPACEAPP_MOCK_TOKEN.

cases.json: {"cases": [{"name", "limit", "offset", "body", "count", "ids"}, ...]}; `ids` are the
expected record ids of the page, in order. Prints one line per check and a closing
"N passed, N failed" line; exits 1 when a check failed.
"""

import argparse
import datetime
import json
import os
import sys
import traceback

from huaweicloudsdkcore.auth.credentials import BasicCredentials
from huaweicloudsdkcore.exceptions import exceptions
from huaweicloudsdkcore.http.http_config import HttpConfig
from huaweicloudsdkcore.retry.backoff_strategy import BackoffStrategies
from huaweicloudsdkworkspaceapp.v1 import (
    ListAppConnectionReq,
    ListAppConnectionRequest,
    WorkspaceAppClient,
)

TIME_FIELDS = ("brokering_start_time", "brokering_end_time")


def make_client(endpoint, ak, sk, project_id):
    config = HttpConfig.get_default_config()
    config.ignore_ssl_verification = True
    config.timeout = (5, 30)
    credentials = BasicCredentials(ak, sk, project_id)
    return (
        WorkspaceAppClient.new_builder()
        .with_http_config(config)
        .with_credentials(credentials)
        .with_endpoints([endpoint])
        .build()
    )


def make_request(case):
    body = dict(case.get("body") or {})
    for field in TIME_FIELDS:
        if isinstance(body.get(field), str):
            text = body[field].replace("Z", "+00:00")
            body[field] = datetime.datetime.fromisoformat(text)
    return ListAppConnectionRequest(
        limit=case.get("limit"),
        offset=case.get("offset"),
        body=ListAppConnectionReq(**body),
    )


def check_page(response, case):
    ids = [item.id for item in (response.items or [])]
    if response.count != case["count"]:
        raise AssertionError("count %r, expected %r" % (response.count, case["count"]))
    if ids != case["ids"]:
        raise AssertionError("ids %r, expected %r" % (ids, case["ids"]))


def expect_error(call, status, code, exception_class):
    try:
        call()
    except exception_class as e:
        if e.status_code != status:
            raise AssertionError("status %r, expected %r (%s)" % (e.status_code, status, e))
        if e.error_code != code:
            raise AssertionError("error_code %r, expected %r (%s)" % (e.error_code, code, e))
        request_id = e.request_id or ""
        if len(request_id) != 32:
            raise AssertionError("request id %r is not 32 hex digits" % request_id)
        if not e.error_msg:
            raise AssertionError("empty error_msg")
        return
    raise AssertionError("no %s raised" % exception_class.__name__)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--endpoint", required=True)
    parser.add_argument("--project-id", required=True)
    parser.add_argument("--cases", required=True)
    parser.add_argument("--faulty-endpoint")
    args = parser.parse_args()

    ak = os.environ["HUAWEICLOUD_SDK_AK"]
    sk = os.environ["HUAWEICLOUD_SDK_SK"]
    token = os.environ["WORKSPACEAPP_MOCK_TOKEN"]
    with open(args.cases, encoding="utf-8") as f:
        cases = json.load(f)["cases"]

    signed = make_client(args.endpoint, ak, sk, args.project_id)
    # The token client signs with a key the server does not know: the token alone must carry it.
    unknown_key = make_client(args.endpoint, "UNKNOWNAK0000000000Z", "unknown-secret", args.project_id)
    wrong_secret = make_client(args.endpoint, ak, sk + "x", args.project_id)
    other_project = make_client(args.endpoint, ak, sk, "f" * 32)

    checks = []

    for case in cases:
        checks.append(
            ("aksk " + case["name"], lambda c=case: check_page(signed.list_app_connection(make_request(c)), c))
        )
        checks.append(
            (
                "token " + case["name"],
                lambda c=case: check_page(
                    unknown_key.list_app_connection_invoker(make_request(c))
                    .add_header("X-Auth-Token", token)
                    .invoke(),
                    c,
                ),
            )
        )

    bad = exceptions.ClientRequestException
    checks += [
        ("limit 0 is 400", lambda: expect_error(
            lambda: signed.list_app_connection(ListAppConnectionRequest(limit=0, body=ListAppConnectionReq())),
            400, "WKS.00211102", bad)),
        ("limit 101 is 400", lambda: expect_error(
            lambda: signed.list_app_connection(ListAppConnectionRequest(limit=101, body=ListAppConnectionReq())),
            400, "WKS.00211102", bad)),
        ("negative offset is 400", lambda: expect_error(
            lambda: signed.list_app_connection(ListAppConnectionRequest(offset=-1, body=ListAppConnectionReq())),
            400, "WKS.00211102", bad)),
        ("unknown client_type is 400", lambda: expect_error(
            lambda: signed.list_app_connection(
                ListAppConnectionRequest(body=ListAppConnectionReq(client_type="Linux"))),
            400, "WKS.00211102", bad)),
        ("unknown key is 401", lambda: expect_error(
            lambda: unknown_key.list_app_connection(ListAppConnectionRequest(body=ListAppConnectionReq())),
            401, "WKS.00211302", bad)),
        ("wrong secret is 401", lambda: expect_error(
            lambda: wrong_secret.list_app_connection(ListAppConnectionRequest(body=ListAppConnectionReq())),
            401, "WKS.00211302", bad)),
        ("wrong token is 401", lambda: expect_error(
            lambda: unknown_key.list_app_connection_invoker(ListAppConnectionRequest(body=ListAppConnectionReq()))
            .add_header("X-Auth-Token", token + "x")
            .invoke(),
            401, "WKS.00211302", bad)),
        ("other project is 403", lambda: expect_error(
            lambda: other_project.list_app_connection(ListAppConnectionRequest(body=ListAppConnectionReq())),
            403, "WKS.00081102", bad)),
        ("injected 503", lambda: expect_error(
            lambda: signed.list_app_connection_invoker(ListAppConnectionRequest(body=ListAppConnectionReq()))
            .add_header("X-Mock-Fault", "503")
            .invoke(),
            503, "WKS.00050902", exceptions.ServerResponseException)),
        ("injected 500", lambda: expect_error(
            lambda: signed.list_app_connection_invoker(ListAppConnectionRequest(body=ListAppConnectionReq()))
            .add_header("X-Mock-Fault", "500")
            .invoke(),
            500, "WKS.00211401", exceptions.ServerResponseException)),
    ]

    if args.faulty_endpoint:
        faulty = make_client(args.faulty_endpoint, ak, sk, args.project_id)
        attempts = []

        def retry_on_5xx(response, exception):
            attempts.append(exception)
            return isinstance(exception, exceptions.ServerResponseException) and exception.status_code in (500, 503)

        def retried():
            # Each invocation must come back with the right page; keep going until one of them
            # went through at least one injected fault (the server's fault sequence is seeded).
            case = cases[0]
            for _ in range(10):
                del attempts[:]
                response = (
                    faulty.list_app_connection_invoker(make_request(case))
                    .with_retry(retry_on_5xx, 8, BackoffStrategies.EQUAL_JITTER)
                    .invoke()
                )
                check_page(response, case)
                if any(a is not None for a in attempts):
                    return
            raise AssertionError("no fault was injected in 10 calls; the retry path was not exercised")

        checks.append(("retries through injected faults", retried))

    passed = failed = 0
    for name, check in checks:
        try:
            check()
        except Exception:  # noqa: BLE001 - every failure is reported, then counted
            failed += 1
            print("FAIL %s\n%s" % (name, traceback.format_exc()), flush=True)
        else:
            passed += 1
            print("ok   %s" % name, flush=True)
    print("%d passed, %d failed" % (passed, failed), flush=True)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
