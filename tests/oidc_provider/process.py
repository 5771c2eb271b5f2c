"""Start and stop the test identity provider in a subprocess, as the sign-in tests' fixtures do."""

import atexit
import os
import shutil
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

import requests
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa

from .people import CLIENT_ID, CLIENT_SECRET

ROOT = Path(__file__).resolve().parents[2]
STARTUP_SECONDS = 90


@dataclass
class RunningProvider:
    url: str
    process: subprocess.Popen
    workdir: Path
    client_id: str = CLIENT_ID
    client_secret: str = CLIENT_SECRET

    @property
    def issuer(self) -> str:
        return f"{self.url}/o"

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        shutil.rmtree(self.workdir, ignore_errors=True)


def start_provider() -> RunningProvider:
    """A new provider with a new RS256 key and database; the caller stops it."""
    workdir = Path(tempfile.mkdtemp(prefix="practicehub-oidc-provider-"))
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    (workdir / "signing-key.pem").write_bytes(
        key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption())
    )
    env = {name: value for name, value in os.environ.items() if not name.startswith(("DJANGO_", "DATABASE_"))}
    with open(workdir / "provider.log", "w") as log:
        process = subprocess.Popen(
            [sys.executable, "-m", "tests.oidc_provider.serve", str(workdir)],
            cwd=ROOT,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
    port_file = workdir / "port"
    deadline = time.monotonic() + STARTUP_SECONDS
    while not port_file.exists():
        if process.poll() is not None or time.monotonic() > deadline:
            log_text = (workdir / "provider.log").read_text()
            process.kill()
            raise RuntimeError(f"The test identity provider did not start:\n{log_text}")
        time.sleep(0.1)
    provider = RunningProvider(url=f"http://127.0.0.1:{port_file.read_text()}", process=process, workdir=workdir)
    requests.get(f"{provider.issuer}/.well-known/openid-configuration", timeout=10).raise_for_status()
    return provider


_shared: RunningProvider | None = None


def shared_provider() -> RunningProvider:
    """One provider for the whole test run, started on first use and stopped when the run ends."""
    global _shared
    if _shared is None or _shared.process.poll() is not None:
        _shared = start_provider()
        atexit.register(_shared.stop)
    return _shared
