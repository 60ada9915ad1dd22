"""Lists every ListAppConnection record with Huawei's official Python SDK, the usual way.

Used by the `list_all` bench of workspaceapp-client as its baseline. Usage:

    HUAWEICLOUD_SDK_AK=... HUAWEICLOUD_SDK_SK=... \
        python sdk_list_all.py ENDPOINT PROJECT_ID REPETITIONS BUDGET_SECONDS

Each repetition pages with `list_app_connection` (limit 100, offset += 100 until `count`) and
prints one line `rep WALL_SECONDS CPU_SECONDS RECORDS COUNT`. After a repetition, no further one
starts when it would likely end past BUDGET_SECONDS. Exit status 3: the SDK is not installed.
"""

import os
import sys
import time

try:
    from importlib.metadata import version

    from huaweicloudsdkcore.auth.credentials import BasicCredentials
    from huaweicloudsdkcore.http.http_config import HttpConfig
    from huaweicloudsdkworkspaceapp.v1 import (
        ListAppConnectionReq,
        ListAppConnectionRequest,
        WorkspaceAppClient,
    )
except ImportError as error:
    print(f"the Huawei Cloud Python SDK is not importable: {error}", file=sys.stderr)
    sys.exit(3)

PAGE = 100


def list_everything(client):
    offset = 0
    records = 0
    while True:
        request = ListAppConnectionRequest(limit=PAGE, offset=offset, body=ListAppConnectionReq())
        response = client.list_app_connection(request)
        items = response.items or []
        records += len(items)
        offset += PAGE
        if not items or response.count is None or offset >= response.count:
            return records, response.count


def main():
    endpoint, project_id = sys.argv[1], sys.argv[2]
    repetitions, budget = int(sys.argv[3]), float(sys.argv[4])
    config = HttpConfig.get_default_config()
    # Plain http on 127.0.0.1: nothing to verify, the endpoint is given explicitly.
    config.ignore_ssl_verification = True
    credentials = BasicCredentials(
        os.environ["HUAWEICLOUD_SDK_AK"], os.environ["HUAWEICLOUD_SDK_SK"], project_id
    )
    client = (
        WorkspaceAppClient.new_builder()
        .with_http_config(config)
        .with_credentials(credentials)
        .with_endpoints([endpoint])
        .build()
    )
    print(
        "sdk huaweicloudsdkworkspaceapp {} huaweicloudsdkcore {} python {}".format(
            version("huaweicloudsdkworkspaceapp"),
            version("huaweicloudsdkcore"),
            sys.version.split()[0],
        ),
        flush=True,
    )
    started = time.perf_counter()
    for _ in range(repetitions):
        wall, cpu = time.perf_counter(), time.process_time()
        records, count = list_everything(client)
        wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
        print(f"rep {wall:.6f} {cpu:.6f} {records} {count}", flush=True)
        if time.perf_counter() - started + wall > budget:
            break


if __name__ == "__main__":
    main()
