"""The documents' storages and scanners, real ones started by the tests: a folder, an S3-compatible server (moto),
clamd when it is installed, and a fake clamd that speaks the same INSTREAM protocol."""

import os
import shutil
import socket
import socketserver
import struct
import subprocess
import threading
import time
from pathlib import Path

import pytest

from bawaba.documents.tests.samples import EICAR

# The small demo census taken through every stage, for this app's indicators.
from bawaba.indicators.tests.every_stage import every_stage  # noqa: F401 - fixture
from bawaba.selection.tests.conftest import census  # noqa: F401 - fixture


@pytest.fixture(scope="session")
def s3_server():
    """A real S3-compatible HTTP server (moto in server mode) on a free loopback port, for the whole session."""
    from moto.server import ThreadedMotoServer

    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    yield f"http://{host}:{port}"
    server.stop()


@pytest.fixture
def s3_storage(s3_server, request):
    """An S3Storage (django-storages) on a new bucket of that server, configured as settings.py configures it."""
    import boto3
    from storages.backends.s3 import S3Storage

    bucket = f"documents-{abs(hash(request.node.nodeid)) % 10**10}-{os.getpid()}"
    credentials = {"aws_access_key_id": "test", "aws_secret_access_key": "test", "region_name": "us-east-1"}
    boto3.client("s3", endpoint_url=s3_server, **credentials).create_bucket(Bucket=bucket)
    return S3Storage(
        bucket_name=bucket,
        endpoint_url=s3_server,
        access_key="test",
        secret_key="test",
        region_name="us-east-1",
        default_acl="private",
        file_overwrite=False,
        querystring_auth=True,
    )


@pytest.fixture
def filesystem_storage(tmp_path):
    from django.core.files.storage import FileSystemStorage

    return FileSystemStorage(location=tmp_path / "documents", base_url=None)


@pytest.fixture(params=["filesystem", "s3"])
def any_storage(request):
    """The same test, once on the private folder and once on the S3-compatible server."""
    return request.getfixturevalue(f"{request.param}_storage")


class FakeClamd(socketserver.BaseRequestHandler):
    """clamd's INSTREAM command as clamd answers it: FOUND when the stream holds the EICAR string (or always,
    with `flag_everything`), OK otherwise; the chunks are read as length-prefixed blocks ending with a 0 length."""

    flag_everything = False

    def handle(self):
        command = b""
        while not command.endswith(b"\0"):
            command += self.request.recv(1)
        if command != b"zINSTREAM\0":
            self.request.sendall(b"UNKNOWN COMMAND\0")
            return
        data = b""
        while True:
            (length,) = struct.unpack("!L", self._exactly(4))
            if length == 0:
                break
            data += self._exactly(length)
        if self.flag_everything or EICAR in data:
            self.request.sendall(b"stream: Eicar-Test-Signature FOUND\0")
        else:
            self.request.sendall(b"stream: OK\0")

    def _exactly(self, size):
        received = b""
        while len(received) < size:
            chunk = self.request.recv(size - len(received))
            if not chunk:
                raise ConnectionError("the client went away")
            received += chunk
        return received


def _serve(server):
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    return server


@pytest.fixture
def fake_clamd_tcp():
    server = _serve(socketserver.ThreadingTCPServer(("127.0.0.1", 0), FakeClamd))
    yield f"127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


@pytest.fixture
def fake_clamd_unix(tmp_path):
    path = str(tmp_path / "clamd.sock")
    server = _serve(socketserver.ThreadingUnixStreamServer(path, FakeClamd))
    yield path
    server.shutdown()
    server.server_close()


@pytest.fixture
def flagging_clamd(tmp_path):
    """A clamd that flags every file (to follow what happens to a flagged upload that passed validation)."""
    handler = type("FlagEverything", (FakeClamd,), {"flag_everything": True})
    server = _serve(socketserver.ThreadingTCPServer(("127.0.0.1", 0), handler))
    yield f"127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


@pytest.fixture(scope="session")
def real_clamd(tmp_path_factory):
    """The real clamd (apt-get install clamav-daemon), started on a UNIX socket of its own.

    The official signatures are downloaded by freshclam, which this machine cannot reach; clamd starts instead on
    a database of one signature written here, the EICAR test string as a body signature (`.ndb`), which is how the
    official database detects it too.
    """
    clamd = shutil.which("clamd") or ("/usr/sbin/clamd" if Path("/usr/sbin/clamd").exists() else None)
    if clamd is None:
        pytest.skip(
            "clamd is not installed (apt-get install clamav-daemon): the fake clamd tests cover the protocol"
        )
    folder = tmp_path_factory.mktemp("clamd")
    (folder / "db").mkdir()
    (folder / "db" / "eicar.ndb").write_text(f"Eicar-Test-Signature:0:*:{EICAR.hex()}\n")
    socket_path = folder / "clamd.sock"
    config = folder / "clamd.conf"
    config.write_text(
        f"LocalSocket {socket_path}\nDatabaseDirectory {folder / 'db'}\nForeground true\n"
        f"LogFile {folder / 'clamd.log'}\nPidFile {folder / 'clamd.pid'}\nTemporaryDirectory {folder}\n"
    )
    process = subprocess.Popen(
        [clamd, "--config-file", str(config)], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE
    )
    deadline = time.monotonic() + 60
    while not _accepts(socket_path):
        if process.poll() is not None or time.monotonic() > deadline:
            process.kill()
            log = (folder / "clamd.log").read_text() if (folder / "clamd.log").exists() else ""
            pytest.fail(f"clamd did not start: {process.stderr.read().decode()[-500:]} {log[-500:]}")
        time.sleep(0.1)
    yield str(socket_path)
    process.terminate()
    process.wait(timeout=30)


def _accepts(path: Path) -> bool:
    if not path.exists():
        return False
    with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as probe:
        try:
            probe.connect(str(path))
        except OSError:
            return False
    return True
