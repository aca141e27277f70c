"""
Fixtures: a small feature repository built with the real `larder` launcher from CSV data, and real
larder-server processes on free loopback ports (one plaintext, one with TLS and bearer tokens).

The launchers come from LARDER_BIN (the distribution's bin/ folder) or PATH. Every other tool the tests
need (openssl for the certificates) is checked up front, and a missing one fails the session by name.
"""
import datetime
import hashlib
import os
import shutil
import socket
import ssl
import subprocess
import time
import urllib.request
from pathlib import Path

import pytest

NOW = datetime.datetime.now(datetime.timezone.utc).replace(microsecond=0)
# Every row's event time: one hour ago. The `session` view has a 30-minute TTL, so its rows are served as
# OUTSIDE_MAX_AGE; the `profile` view has none.
EVENT_TIME = NOW - datetime.timedelta(hours=1)
PROFILE_TOKEN = "profile-reader-secret-31ab"
ALL_TOKEN = "everything-secret-77f0"

DEFINITIONS = """
entities { name: "user" join_keys { name: "user_id" type: INT64 } }

sources {
  name: "profiles"
  path: "data/profiles.csv"
  timestamp_field: "event_timestamp"
  schema { name: "user_id" type: INT64 }
  schema { name: "country" type: STRING }
  schema { name: "score" type: DOUBLE }
  schema { name: "clicks" type: INT64 }
  schema { name: "event_timestamp" type: TIMESTAMP }
}

feature_views {
  name: "profile"
  entities: "user"
  source: "profiles"
  features { name: "country" type: STRING }
  features { name: "score" type: DOUBLE }
}

feature_views {
  name: "session"
  entities: "user"
  source: "profiles"
  ttl: "30m"
  features { name: "clicks" type: INT64 }
}

feature_services { name: "model" features: "profile:country" features: "session" }
"""


def _iso(t):
    return t.strftime("%Y-%m-%dT%H:%M:%SZ")


def launcher(name):
    bin_dir = os.environ.get("LARDER_BIN")
    path = os.path.join(bin_dir, name) if bin_dir else shutil.which(name)
    if not path or not os.path.exists(path):
        pytest.fail(f"{name} not found: set LARDER_BIN to the distribution's bin/ folder or put it on PATH "
                    "(./mvnw -DskipTests package builds it)", pytrace=False)
    return path


def run(*cmd, cwd=None):
    env = dict(os.environ, LARDER_NO_PROGRESS="1", JAVA_OPTS=os.environ.get("JAVA_OPTS", "-Xmx256m"))
    done = subprocess.run(cmd, capture_output=True, text=True, cwd=cwd, env=env, timeout=300)
    if done.returncode != 0:
        raise AssertionError(f"{' '.join(map(str, cmd))} exited with {done.returncode}:\n{done.stderr}{done.stdout}")
    return done.stdout


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="session")
def workdir(tmp_path_factory):
    configured = os.environ.get("LARDER_TEST_WORKDIR")
    if configured:
        path = Path(configured)
        shutil.rmtree(path, ignore_errors=True)
        path.mkdir(parents=True)
        return path
    return tmp_path_factory.mktemp("larder")


@pytest.fixture(scope="session")
def repo(workdir):
    """The repository: user 1 (all values), user 2 (country null), user 3 (score only); materialized."""
    larder = launcher("larder")
    repo = workdir / "repo"
    run(larder, "init", str(repo))
    for generated in repo.glob("*.textproto"):
        generated.unlink()
    (repo / "definitions.textproto").write_text(DEFINITIONS)
    (repo / "data").mkdir(exist_ok=True)
    t = _iso(EVENT_TIME)
    (repo / "data" / "profiles.csv").write_text(
        "user_id,country,score,clicks,event_timestamp\n"
        f"1,DE,0.5,7,{t}\n"
        f"2,,1.5,3,{t}\n"
        f"3,FR,,1,{t}\n")
    run(larder, "apply", "--repo", str(repo))
    # The interval ends at the rows' time, so the 30-minute TTL keeps them; an hour later they are stale.
    run(larder, "materialize", "--repo", str(repo), "--start", _iso(NOW - datetime.timedelta(days=2)),
        "--end", t)
    return repo


@pytest.fixture(scope="session")
def certificates(workdir):
    """A throw-away CA and a server certificate for localhost / 127.0.0.1 (EC P-256, PKCS#8 key)."""
    openssl = shutil.which("openssl")
    if openssl is None:
        pytest.fail("openssl not found (Debian: apt-get install openssl)", pytrace=False)
    d = workdir / "tls"
    d.mkdir()
    key = ["genpkey", "-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:P-256", "-out"]
    run(openssl, *key, str(d / "ca.key"))
    run(openssl, "req", "-x509", "-new", "-key", str(d / "ca.key"), "-subj", "/CN=larder test CA", "-days", "2",
        "-out", str(d / "ca.crt"))
    run(openssl, *key, str(d / "server.key"))
    run(openssl, "req", "-new", "-key", str(d / "server.key"), "-subj", "/CN=localhost", "-out", str(d / "server.csr"))
    (d / "ext").write_text("subjectAltName=DNS:localhost,IP:127.0.0.1\n")
    run(openssl, "x509", "-req", "-in", str(d / "server.csr"), "-CA", str(d / "ca.crt"), "-CAkey", str(d / "ca.key"),
        "-CAcreateserial", "-days", "2", "-extfile", str(d / "ext"), "-out", str(d / "server.crt"))
    # A client certificate for mutual TLS.
    run(openssl, *key, str(d / "client.key"))
    run(openssl, "req", "-new", "-key", str(d / "client.key"), "-subj", "/CN=python-client", "-out", str(d / "client.csr"))
    run(openssl, "x509", "-req", "-in", str(d / "client.csr"), "-CA", str(d / "ca.crt"), "-CAkey", str(d / "ca.key"),
        "-CAcreateserial", "-days", "2", "-out", str(d / "client.crt"))
    return d


class Server:
    """One larder-server process; `target` is host:port of gRPC, `http` the base URL of HTTP/JSON."""

    def __init__(self, repo, workdir, name, args, ssl_context=None):
        self.port, self.http_port = free_port(), free_port()
        self.log = workdir / f"{name}.log"
        scheme = "https" if ssl_context else "http"
        self.target = f"localhost:{self.port}"
        self.http = f"{scheme}://localhost:{self.http_port}"
        cmd = [launcher("larder-server"), "--repo", str(repo), "--port", str(self.port), "--http-port",
               str(self.http_port), "--metrics-port", "0", *args]
        env = dict(os.environ, JAVA_OPTS=os.environ.get("JAVA_OPTS", "-Xmx256m"))
        with open(self.log, "wb") as log:
            self.process = subprocess.Popen(cmd, stdout=log, stderr=subprocess.STDOUT, env=env)
        self._await_ready(ssl_context)

    def _await_ready(self, ssl_context):
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise AssertionError(f"larder-server exited with {self.process.returncode}:\n{self.log.read_text()}")
            try:
                with urllib.request.urlopen(self.http + "/readyz", timeout=1, context=ssl_context) as r:
                    if r.status == 200:
                        return
            except OSError:
                pass
            time.sleep(0.2)
        self.stop()
        raise AssertionError(f"larder-server not ready within 60 s:\n{self.log.read_text()}")

    def stop(self):
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(15)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()


@pytest.fixture(scope="session")
def server(repo, workdir):
    s = Server(repo, workdir, "plain", ["--max-entities-per-request", "5"])
    yield s
    s.stop()


@pytest.fixture(scope="session")
def secured_server(repo, workdir, certificates):
    tokens = workdir / "tokens"
    tokens.write_text(
        f"sha256:{hashlib.sha256(PROFILE_TOKEN.encode()).hexdigest()}  name=profile-reader  views=profile\n"
        f"sha256:{hashlib.sha256(ALL_TOKEN.encode()).hexdigest()}  name=everything  views=*  services=*\n")
    context = ssl.create_default_context(cafile=str(certificates / "ca.crt"))
    s = Server(repo, workdir, "secured", ["--tls-cert-chain", str(certificates / "server.crt"),
                                          "--tls-private-key", str(certificates / "server.key"),
                                          "--auth-tokens-file", str(tokens)], ssl_context=context)
    yield s
    s.stop()


@pytest.fixture
def mutual_tls_server(repo, workdir, certificates):
    """A server that requires a client certificate signed by the test CA (no tokens)."""
    context = ssl.create_default_context(cafile=str(certificates / "ca.crt"))
    context.load_cert_chain(str(certificates / "client.crt"), str(certificates / "client.key"))
    s = Server(repo, workdir, "mtls", ["--tls-cert-chain", str(certificates / "server.crt"),
                                       "--tls-private-key", str(certificates / "server.key"),
                                       "--tls-client-ca", str(certificates / "ca.crt")], ssl_context=context)
    yield s
    s.stop()
