# SPDX-License-Identifier: Apache-2.0
"""Helpers shared by the Python integration tests (tests/integration/test_*.py).

Every test talks to its own emulator (tests/emulator) on 127.0.0.1, never to AWS, and reads
back what a tool did with an independent client: the AWS CLI (`aws`, v1, first on PATH under
ctest) or boto3.

Environment (set by ctest, see tests/CMakeLists.txt): LIBCERT_BIN (the built tools),
LIBCERT_FIXTURES (tests/fixtures/gen.sh output), LIBCERT_SRC (the source tree), LIBCERT_PYTHON
(python3 with moto, boto3 and the AWS CLI), LIBCERT_RETRY_BASE_MS (20: fast retries).

    from lib import EmuTestCase, fixture, AT
    class T(EmuTestCase):
        EMU = dict(quota=5)                    # emulator flags (cert_clock defaults to AT)
        def test_x(self):
            r = self.tool("certup", *self.CHECK, fixture("bundle-good.pem"))
            self.assertEqual(r.rc, 0, r)
            got = self.aws("iam", "get-server-certificate", "--server-certificate-name", name)
"""

import datetime
import hashlib
import json
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import threading
import time
import unittest
from urllib.parse import parse_qs

SRC = os.environ.get("LIBCERT_SRC") or os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
BIN = os.environ.get("LIBCERT_BIN", "")
FIXTURES = os.environ.get("LIBCERT_FIXTURES", "")
PYTHON = os.environ.get("LIBCERT_PYTHON") or sys.executable

if not BIN or not FIXTURES or not os.path.exists(os.path.join(FIXTURES, ".libcert-fixtures")):
    sys.stderr.write(f"{os.path.basename(sys.argv[0])}: set LIBCERT_BIN and LIBCERT_FIXTURES "
                     "(ctest does; build the 'fixtures' target)\n")
    sys.exit(1)

sys.path.insert(0, os.path.join(SRC, "tests", "emulator"))
import testmain  # noqa: E402
from emuctl import Emulator  # noqa: E402  (checks the pinned packages: pins.py)

from cryptography import x509  # noqa: E402  (moto depends on it)
from cryptography.hazmat.primitives import hashes, serialization  # noqa: E402
from cryptography.hazmat.primitives.asymmetric import ec  # noqa: E402
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID  # noqa: E402

# The fixtures' pinned clock (tests/fixtures/README.md): the tools take --at, the emulator judges
# certificate validity by --cert-clock.
AT = "2026-01-01T00:00:00Z"
AT_DT = datetime.datetime(2026, 1, 1, tzinfo=datetime.timezone.utc)
# What a checking tool needs to pass on the fixtures: the pinned clock and the fixtures' root.
CHECK = ("--at", AT, "--ca-file", os.path.join(FIXTURES, "root.pem"))


def fixture(name):
    return os.path.join(FIXTURES, name)


def tool_path(name):
    return os.path.join(BIN, name)


# ---- certificates -----------------------------------------------------------------------------


def pem_certs(text):
    """The certificates in PEM text (str or bytes), as cryptography objects, in order."""
    if isinstance(text, str):
        text = text.encode("latin-1")
    if not text or b"-----BEGIN CERTIFICATE-----" not in text:
        return []
    return x509.load_pem_x509_certificates(text)


def pem_ders(text):
    """DER of every certificate in PEM text, in order."""
    return [c.public_bytes(serialization.Encoding.DER) for c in pem_certs(text)]


def file_ders(path):
    with open(path, "rb") as f:
        return pem_ders(f.read())


def der_of(name):
    """DER of the one certificate in fixture `name` (e.g. "leaf-rsa2048.pem")."""
    ders = file_ders(fixture(name))
    assert len(ders) == 1, name
    return ders[0]


def openssl_sha256(pem_path):
    """SHA-256 of a certificate's DER, the OpenSSL CLI way: openssl x509 -outform DER | sha256sum."""
    out = subprocess.run(f"openssl x509 -in '{pem_path}' -outform DER | sha256sum", shell=True,
                         check=True, capture_output=True, text=True).stdout
    return out.split()[0]


def parse_time(text):
    """An AWS time as the CLI or certls print it ("...Z", "...+00:00", with or without ms)."""
    return datetime.datetime.fromisoformat(text.replace("Z", "+00:00"))


def utcnow():
    return datetime.datetime.now(datetime.timezone.utc)


def load_int2():
    with open(fixture("int2.pem"), "rb") as f:
        cert = x509.load_pem_x509_certificate(f.read())
    with open(fixture("int2.key"), "rb") as f:
        key = serialization.load_pem_private_key(f.read(), password=None)
    return cert, key


def make_bundle(path, dns, not_after, not_before=datetime.datetime(2025, 6, 1, tzinfo=datetime.timezone.utc),
                cn=None):
    """Write a bundle (leaf, int2, int1, key) for a new P-256 leaf under the fixtures' int2 with
    the given DNS names (CN: cn or the first) and dates: for validity relative to the real clock (certls decides expiry
    by it). Valid at AT as long as not_before <= AT < not_after. Returns (leaf_pem, key_pem,
    chain_pem)."""
    issuer, issuer_key = load_int2()
    key = ec.generate_private_key(ec.SECP256R1())
    cert = (
        x509.CertificateBuilder()
        .subject_name(x509.Name([x509.NameAttribute(NameOID.ORGANIZATION_NAME, "libcert tests"),
                                 x509.NameAttribute(NameOID.COMMON_NAME, cn or dns[0])]))
        .issuer_name(issuer.subject)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(not_before)
        .not_valid_after(not_after)
        .add_extension(x509.SubjectAlternativeName([x509.DNSName(n) for n in dns]), critical=False)
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(x509.KeyUsage(True, False, False, False, False, False, False, False, False), critical=True)
        .add_extension(x509.ExtendedKeyUsage([ExtendedKeyUsageOID.SERVER_AUTH]), critical=False)
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), critical=False)
        .add_extension(x509.AuthorityKeyIdentifier.from_issuer_public_key(issuer.public_key()), critical=False)
        .sign(issuer_key, hashes.SHA256())
    )
    leaf_pem = cert.public_bytes(serialization.Encoding.PEM).decode("ascii")
    key_pem = key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                serialization.NoEncryption()).decode("ascii")
    chain_pem = read(fixture("chain.pem"))
    with open(path, "w") as f:
        f.write(leaf_pem + chain_pem + key_pem)
    return leaf_pem, key_pem, chain_pem


def read(path, mode="r"):
    with open(path, mode) as f:
        return f.read()


# ---- running things ---------------------------------------------------------------------------


class Result:
    def __init__(self, argv, rc, out, err, seconds):
        self.argv, self.rc, self.out, self.err, self.seconds = argv, rc, out, err, seconds

    def json(self):
        """stdout as exactly one JSON document (json.loads refuses anything after it); an
        AssertionError showing the run when it is not."""
        try:
            return json.loads(self.out)
        except ValueError as e:
            raise AssertionError(f"stdout is not exactly one JSON document ({e}){self!r}") from None

    def __repr__(self):
        return (f"\n$ {' '.join(self.argv)}\nexit {self.rc} ({self.seconds:.2f} s)\n"
                f"--- stdout ---\n{self.out[-4000:]}\n--- stderr ---\n{self.err[-4000:]}")


def python_bin_dir():
    return os.path.dirname(PYTHON)


def base_env(home):
    """A clean environment: no AWS_* from the caller, HOME a private directory (no ~/.aws), the
    test credentials, the AWS CLI of LIBCERT_PYTHON first on PATH."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("AWS_")}
    env.update(
        HOME=home,
        AWS_ACCESS_KEY_ID="testing",
        AWS_SECRET_ACCESS_KEY="testing",
        AWS_DEFAULT_REGION="us-east-1",
        AWS_EC2_METADATA_DISABLED="true",
        NO_COLOR="1",
        LC_ALL="C",
        PATH=python_bin_dir() + os.pathsep + os.environ.get("PATH", "/usr/bin:/bin"),
    )
    env.setdefault("LIBCERT_RETRY_BASE_MS", "20")
    return env


def overlay(env, extra):
    """env with extra's variables set, those whose value is None removed; env itself changed."""
    for k, v in extra.items():
        if v is None:
            env.pop(k, None)
        else:
            env[k] = v
    return env


def run(argv, env, timeout=60, stdin=None):
    t0 = time.monotonic()
    p = subprocess.run(argv, env=env, capture_output=True, text=True, timeout=timeout,
                       stdin=subprocess.DEVNULL if stdin is None else None, input=stdin)
    return Result([str(a) for a in argv], p.returncode, p.stdout, p.stderr, time.monotonic() - t0)


class Emu(Emulator):
    """The project's emulator with the fixtures' clock pinned (--cert-clock AT unless
    cert_clock=None), so the fixtures' certificates are valid there."""

    def __init__(self, cert_clock=AT, **kw):
        super().__init__(**kw)
        self.cert_clock = cert_clock

    def args(self):
        a = super().args()
        if self.cert_clock:
            a += ["--cert-clock", self.cert_clock]
        return a

    def actions(self, since=0):
        """The logged IAM/CloudFront actions, in order."""
        return [e["action"] for e in self.log(since=since)]

    def last_seq(self):
        entries = self.log()
        return entries[-1]["seq"] if entries else 0


class EmuTestCase(unittest.TestCase):
    """One emulator per class (flags in EMU), reset before every test; a private HOME."""

    EMU = {}
    maxDiff = None
    CHECK = CHECK

    @classmethod
    def setUpClass(cls):
        cls.home = tempfile.mkdtemp(prefix="libcert-it-")
        kw = dict(deploy_delay=0)
        kw.update(cls.EMU)
        cls.emu = Emu(**kw).start()

    @classmethod
    def tearDownClass(cls):
        cls.emu.stop()
        shutil.rmtree(cls.home, ignore_errors=True)

    def setUp(self):
        self.emu.reset()
        self.tmp = tempfile.mkdtemp(prefix="t-", dir=self.home)

    def env(self, **extra):
        env = base_env(self.home)
        env["AWS_ENDPOINT_URL"] = self.emu.endpoint
        return overlay(env, extra)

    def tool(self, name, *args, env=None, timeout=60):
        return run([tool_path(name), *args], env or self.env(), timeout=timeout)

    def aws(self, *args, check=True, env=None):
        """The AWS CLI against the emulator; the parsed JSON answer (None when empty)."""
        r = run(["aws", "--endpoint-url", self.emu.endpoint, "--output", "json", *args],
                env or self.env(), timeout=120)
        if check:
            self.assertEqual(r.rc, 0, r)
            return json.loads(r.out) if r.out.strip() else None
        return r

    def iam(self):
        return self.emu.client("iam")

    def set_cert_clock(self, when):
        self.emu.set_config(cert_clock=when)

    def write(self, name, text, mode="w"):
        path = os.path.join(self.tmp, name)
        with open(path, mode) as f:
            f.write(text)
        return path

    # -- assertions ---------------------------------------------------------------------------

    def assertServerCert(self, got, leaf_der, chain_ders, msg=None):
        """`aws iam get-server-certificate` output holds exactly this leaf and chain (DER)."""
        sc = got["ServerCertificate"]
        self.assertEqual(pem_ders(sc["CertificateBody"]), [leaf_der], msg)
        self.assertEqual(pem_ders(sc.get("CertificateChain", "")), chain_ders, msg)

    def assertNoSecrets(self, text, *secrets):
        for s in ("BEGIN PRIVATE KEY", "PRIVATE KEY-----", "Authorization", "authorization:") + secrets:
            self.assertNotIn(s, text)


def key_body_lines(path):
    """The base64 lines of the private key(s) in a PEM file: none may ever be printed."""
    lines, inside = [], False
    for line in read(path).splitlines():
        if line.startswith("-----BEGIN") and "PRIVATE KEY" in line:
            inside = True
        elif line.startswith("-----END"):
            inside = False
        elif inside and len(line) > 20:
            lines.append(line.strip())
    return lines


# ---- a recording relay ------------------------------------------------------------------------


class Relay:
    """A TCP relay in front of the emulator that keeps every byte the client sent, so a test can
    see the requests themselves (e.g. the PrivateKey a tool sent). Point the tool at .endpoint."""

    def __init__(self, port):
        self.target = port
        self.sock = socket.socket()
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(16)
        self.port = self.sock.getsockname()[1]
        self.streams = []
        self.lock = threading.Lock()
        self.closed = False
        threading.Thread(target=self._accept, daemon=True).start()

    @property
    def endpoint(self):
        return f"http://127.0.0.1:{self.port}"

    def _accept(self):
        while not self.closed:
            try:
                c, _ = self.sock.accept()
            except OSError:
                return
            buf = bytearray()
            with self.lock:
                self.streams.append(buf)
            try:
                u = socket.create_connection(("127.0.0.1", self.target))
            except OSError:
                c.close()
                continue
            threading.Thread(target=self._pipe, args=(c, u, buf), daemon=True).start()
            threading.Thread(target=self._pipe, args=(u, c, None), daemon=True).start()

    def _pipe(self, src, dst, buf):
        try:
            while True:
                data = src.recv(65536)
                if not data:
                    break
                if buf is not None:
                    with self.lock:
                        buf.extend(data)
                dst.sendall(data)
        except OSError:
            pass
        finally:
            for s in (src, dst):
                try:
                    s.shutdown(socket.SHUT_RDWR)
                except OSError:
                    pass

    def requests(self):
        """[(request line, {header: value} lower-case names, body bytes)] in the order sent."""
        out = []
        with self.lock:
            streams = [bytes(b) for b in self.streams]
        for data in streams:
            pos = 0
            while True:
                end = data.find(b"\r\n\r\n", pos)
                if end < 0:
                    break
                head = data[pos:end].decode("latin-1").split("\r\n")
                headers = {}
                for h in head[1:]:
                    k, _, v = h.partition(":")
                    headers[k.strip().lower()] = v.strip()
                n = int(headers.get("content-length", "0"))
                body = data[end + 4:end + 4 + n]
                out.append((head[0], headers, body))
                pos = end + 4 + n
        return out

    def forms(self):
        """The query-API form parameters of each request ({name: value})."""
        return [{k: v[0] for k, v in parse_qs(body.decode("utf-8"), keep_blank_values=True).items()}
                for _, _, body in self.requests()]

    def close(self):
        self.closed = True
        self.sock.close()


def sha256_hex(data):
    return hashlib.sha256(data).hexdigest()


def main():
    """Run the calling module's tests: exit 0 passed, 1 failed or none ran, 77 all skipped."""
    testmain.main()


# ---- CloudFront distributions (certattach, certrotate, certprune, certcheck --distribution) ----

CF_API = "/2020-05-31"
CF_XMLNS = "http://cloudfront.amazonaws.com/doc/2020-05-31/"


def upload_fixture(emu, name, leaf="rsa2048", path="/cloudfront/", chain="chain.pem"):
    """Upload fixture leaf-LEAF.pem with its key and chain to the emulator's IAM (boto3);
    the ServerCertificateMetadata."""
    return emu.upload_certificate(name, read(fixture(f"leaf-{leaf}.pem")), read(fixture(f"leaf-{leaf}.key")),
                                  read(fixture(chain)) if chain else None, path=path)


def cf_config_raw(emu, dist_id):
    """GetDistributionConfig as stored by the emulator: (ETag, the document's bytes)."""
    status, headers, body = emu.signed_request("GET", f"{CF_API}/distribution/{dist_id}/config")
    if status != 200:
        raise AssertionError(f"GetDistributionConfig {dist_id}: {status} {body[:500]!r}")
    return headers.get("ETag"), body


def cf_put_raw(emu, dist_id, body, etag):
    """UpdateDistribution with a raw document and If-Match: (status, headers, body)."""
    return emu.signed_request("PUT", f"{CF_API}/distribution/{dist_id}/config", body,
                              {"Content-Type": "application/xml", "If-Match": etag})


def cf_etag(emu, dist_id):
    return cf_config_raw(emu, dist_id)[0]


def cf_status(emu, dist_id):
    """GetDistribution's Status ("InProgress" or "Deployed")."""
    import xml.etree.ElementTree as ET

    status, _, body = emu.signed_request("GET", f"{CF_API}/distribution/{dist_id}")
    if status != 200:
        raise AssertionError(f"GetDistribution {dist_id}: {status} {body[:500]!r}")
    return ET.fromstring(body).find(f"{{{CF_XMLNS}}}Status").text


def cf_viewer(body):
    """The ViewerCertificate element of a DistributionConfig document as [(name, text)] in
    document order ([] when there is none)."""
    import xml.etree.ElementTree as ET

    vc = ET.fromstring(body).find(f"{{{CF_XMLNS}}}ViewerCertificate")
    if vc is None:
        return []
    return [(c.tag.split("}", 1)[-1], c.text or "") for c in vc]


def cf_viewer_dict(body):
    return dict(cf_viewer(body))


def cf_without_viewer(body):
    """The document in canonical XML (C14N 2.0) with its ViewerCertificate element removed:
    equal for two documents that differ only inside ViewerCertificate."""
    import xml.etree.ElementTree as ET

    root = ET.fromstring(body)
    for vc in root.findall(f"{{{CF_XMLNS}}}ViewerCertificate"):
        root.remove(vc)
    return ET.canonicalize(ET.tostring(root, encoding="unicode"))


def cf_set_comment(emu, dist_id, comment, etag=None):
    """Change a distribution's Comment the way another tool would: read, edit, PUT with If-Match.
    Returns the new ETag."""
    import re
    from xml.sax.saxutils import escape as _esc

    cur, body = cf_config_raw(emu, dist_id)
    text = body.decode("utf-8")
    new, n = re.subn(r"<Comment>.*?</Comment>|<Comment/>", f"<Comment>{_esc(comment)}</Comment>", text, count=1,
                     flags=re.S)
    assert n == 1, "no Comment element"
    status, headers, answer = cf_put_raw(emu, dist_id, new.encode("utf-8"), etag or cur)
    if status != 200:
        raise AssertionError(f"UpdateDistribution {dist_id}: {status} {answer[:500]!r}")
    return headers.get("ETag")


def cf_set_iam_cert(emu, dist_id, cert_id):
    """Point a distribution at an IAM certificate id by editing its ViewerCertificate (raw XML,
    everything else kept). Returns (status, body) of the UpdateDistribution."""
    import re

    etag, body = cf_config_raw(emu, dist_id)
    vc = (f"<ViewerCertificate><IAMCertificateId>{cert_id}</IAMCertificateId>"
          "<SSLSupportMethod>sni-only</SSLSupportMethod><MinimumProtocolVersion>TLSv1.2_2021"
          "</MinimumProtocolVersion></ViewerCertificate>")
    text = re.sub(r"<ViewerCertificate>.*?</ViewerCertificate>", vc, body.decode("utf-8"), count=1, flags=re.S)
    status, _, answer = cf_put_raw(emu, dist_id, text.encode("utf-8"), etag)
    return status, answer


def iam_names(emu, path_prefix=None):
    """Names of the server certificates in the emulator's IAM (every page)."""
    kw = {"PathPrefix": path_prefix} if path_prefix else {}
    out, marker = [], None
    while True:
        if marker:
            kw["Marker"] = marker
        page = emu.client("iam").list_server_certificates(**kw)
        out += [m["ServerCertificateName"] for m in page["ServerCertificateMetadataList"]]
        if not page.get("IsTruncated"):
            return sorted(out)
        marker = page["Marker"]


def wait_until(pred, timeout=10.0, interval=0.02, what="condition"):
    """Poll pred() until it is true; AssertionError after timeout seconds."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if pred():
            return
        time.sleep(interval)
    raise AssertionError(f"timed out after {timeout} s waiting for {what}")


def free_port():
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port


# ---- a stub HTTP(S) server -----------------------------------------------------------------------


class StubServer:
    """An HTTP(S) server on 127.0.0.1 that answers every request with one fixed answer (bytes: a
    whole HTTP response), for what the emulator cannot answer (TLS, a malformed 200, a proxy).
    It keeps each request's first line (.lines) and counts the requests whose bytes hold `count`
    (.requests; None counts every request). tls: a server-side ssl.SSLContext, or None."""

    def __init__(self, answer, tls=None, count=None):
        import ssl

        self.answer, self.tls, self.count = answer, tls, count
        self.requests, self.lines = 0, []
        self._ssl_error = ssl.SSLError
        self.sock = socket.socket()
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(16)
        self.port = self.sock.getsockname()[1]
        self.lock = threading.Lock()
        threading.Thread(target=self._accept, daemon=True).start()

    def _accept(self):
        while True:
            try:
                c, _ = self.sock.accept()
            except OSError:
                return
            threading.Thread(target=self._serve, args=(c,), daemon=True).start()

    def _serve(self, c):
        try:
            if self.tls is not None:
                c = self.tls.wrap_socket(c, server_side=True)
            c.settimeout(5)
            while True:
                data = b""
                while b"\r\n\r\n" not in data:
                    chunk = c.recv(65536)
                    if not chunk:
                        return
                    data += chunk
                head, _, rest = data.partition(b"\r\n\r\n")
                n = 0
                for line in head.split(b"\r\n"):
                    if line.lower().startswith(b"content-length:"):
                        n = int(line.split(b":", 1)[1])
                while len(rest) < n:
                    rest += c.recv(65536)
                with self.lock:
                    self.lines.append(head.split(b"\r\n", 1)[0].decode("latin-1"))
                    if self.count is None or self.count in head + rest:
                        self.requests += 1
                c.sendall(self.answer)
        except (OSError, self._ssl_error):
            pass
        finally:
            c.close()

    def close(self):
        self.sock.close()


def http_answer(status, body, ctype="text/xml"):
    """A whole HTTP/1.1 response: status ("200 OK"), the body (bytes), its type."""
    return (f"HTTP/1.1 {status}\r\nContent-Type: {ctype}\r\nContent-Length: {len(body)}\r\n"
            f"x-amzn-RequestId: stub\r\n\r\n").encode() + body
