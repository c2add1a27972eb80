#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
"""Retries as the SDKs' standard mode, against the emulator's fault injection: throttling,
500/502/503/504, connection resets, stalls beyond --timeout and truncated answers are retried;
validation errors are not; AWS_MAX_ATTEMPTS / max_attempts / --max-attempts bound the attempts
(default 3) and running out is exit 5; an upload whose answer was lost is recognised as done on
the retry. -v shows each request (action, host, status, attempt, time) and never a secret."""

import os
import socket
import sys
import unittest

sys.dont_write_bytecode = True  # keep the source tree clean of __pycache__
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from lib import EmuTestCase, main, Relay, der_of, fixture, key_body_lines, read  # noqa: E402

GOOD = fixture("bundle-good.pem")
UPLOAD = "UploadServerCertificate"
SECRET = "SeCrEtKeY0123456789abcdefghijklmnopqrstuv"
TOKEN = "ToKeN-sEsSiOn-0123456789-zyxwvutsrqponm"


def free_port():
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port


class Retry(EmuTestCase):

    def certup(self, *args, env=None):
        return self.tool("certup", *self.CHECK, "-v", "--json", "--name", "site", *args, GOOD, env=env)

    def upload_log(self):
        return self.emu.log(action=UPLOAD)

    def assert_uploaded_once(self, r, attempts):
        """certup succeeded after `attempts` attempts; IAM holds the certificate once."""
        self.assertEqual(r.rc, 0, r)
        doc = r.json()
        self.assertEqual(doc["libcert"]["status"], "uploaded")
        self.assertEqual(doc["libcert"]["attempts"], attempts)
        for n in range(1, attempts + 1):
            self.assertRegex(r.err, rf"{UPLOAD} .*attempt {n}/3")
        self.assertNotRegex(r.err, rf"attempt {attempts + 1}/")
        got = self.iam().get_server_certificate(ServerCertificateName="site")
        self.assertServerCert(got, der_of("leaf-rsa2048.pem"), [der_of("int2.pem"), der_of("int1.pem")])
        self.assertEqual(len(self.iam().list_server_certificates()["ServerCertificateMetadataList"]), 1)

    def test_503_then_success(self):
        self.emu.add_fault(service="iam", action=UPLOAD, fault="status", status=503, count=1)
        r = self.certup()
        log = self.upload_log()
        self.assertEqual([(e["status"], e["fault"]) for e in log], [(503, "status"), (200, None)])
        self.assertRegex(r.err, rf"{UPLOAD} POST 127\.0\.0\.1:{self.emu.port}: 503 ServiceUnavailable "
                                r"\(attempt 1/3, \d+ ms\)")
        self.assertRegex(r.err, rf"{UPLOAD} POST 127\.0\.0\.1:{self.emu.port}: 200 \(attempt 2/3, \d+ ms\)")
        self.assert_uploaded_once(r, 2)

    def test_throttling_then_success(self):
        self.emu.add_fault(service="iam", action=UPLOAD, fault="status", status=400, code="Throttling",
                           message="Rate exceeded", count=2)
        r = self.certup()
        self.assertEqual([e["status"] for e in self.upload_log()], [400, 400, 200])
        self.assertIn("Throttling", r.err)
        self.assert_uploaded_once(r, 3)

    def test_5xx_on_every_action(self):
        # certls (ListServerCertificates, GetAccountSummary), certcheck --iam (GetServerCertificate),
        # and CloudFront's ListDistributions: the same transport, the same retries.
        self.iam().upload_server_certificate(
            ServerCertificateName="site", Path="/cloudfront/",
            CertificateBody=read(fixture("leaf-rsa2048.pem")),
            PrivateKey=read(fixture("leaf-rsa2048.key")),
            CertificateChain=read(fixture("chain.pem")))
        # by status whatever the code (502's BadGateway, "Unavailable" are on no list), and 429's
        # TooManyRequestsException by code
        for status, code in ((500, "InternalFailure"), (502, "BadGateway"), (503, "Unavailable"),
                             (504, "GatewayTimeout"), (429, "TooManyRequestsException")):
            self.emu.clear_log()
            self.emu.add_fault(service="iam", action="ListServerCertificates", fault="status", status=status,
                               code=code, count=1)
            r = self.tool("certls", "--json")
            self.assertEqual(r.rc, 0, r)
            self.assertEqual([e["status"] for e in self.emu.log(action="ListServerCertificates")], [status, 200])
            self.assertEqual(len(r.json()["ServerCertificateMetadataList"]), 1)
        self.emu.clear_log()
        self.emu.add_fault(service="iam", action="GetServerCertificate", fault="status", status=503, count=1)
        r = self.tool("certcheck", *self.CHECK, "--iam", "site")
        self.assertEqual(r.rc, 0, r)
        self.assertEqual([e["status"] for e in self.emu.log(action="GetServerCertificate")], [503, 200])
        self.emu.clear_log()
        self.emu.add_fault(service="cloudfront", action="ListDistributions", fault="status", status=503, count=1)
        r = self.tool("certls", "--in-use", "--json")
        self.assertEqual(r.rc, 0, r)
        self.assertEqual([e["status"] for e in self.emu.log(action="ListDistributions")], [503, 200])

    def test_connection_reset(self):
        self.emu.add_fault(service="iam", action=UPLOAD, fault="reset", count=1)
        r = self.certup()
        self.assertEqual([(e["status"], e["fault"]) for e in self.upload_log()], [(None, "reset"), (200, None)])
        self.assert_uploaded_once(r, 2)

    def test_truncated_answer(self):
        self.emu.add_fault(service="iam", action=UPLOAD, fault="truncate", count=1)
        r = self.certup()
        self.assertEqual([(e["status"], e["fault"]) for e in self.upload_log()], [(None, "truncate"), (200, None)])
        self.assert_uploaded_once(r, 2)

    def test_stall_beyond_timeout(self):
        self.emu.add_fault(service="iam", action=UPLOAD, fault="stall", ms=4000, count=1)
        r = self.certup("--timeout", "1")
        # the stalled attempt was given up after --timeout (1 s), not after the stall (4 s)
        self.assertLess(r.seconds, 3.5, r)
        self.assert_uploaded_once(r, 2)
        self.assertEqual(sorted((e["status"] or 0, e["fault"] or "") for e in self.upload_log()),
                         [(0, "stall"), (200, "")])

    def test_stalls_every_time_exit_5(self):
        self.emu.add_fault(service="iam", action=UPLOAD, fault="stall", ms=4000)
        r = self.certup("--timeout", "1", "--max-attempts", "2")
        self.assertEqual(r.rc, 5, r)
        self.assertLess(r.seconds, 3.5, r)  # two attempts of 1 s, not of 4 s
        self.assertRegex(r.err, r"attempt 2/2")
        self.assertIn("still failing after 2 attempts", r.err)
        self.assertEqual(r.json()["libcert"]["status"], "error")
        self.emu.clear_faults()
        self.assertEqual([e["fault"] for e in self.upload_log()], ["stall", "stall"])
        self.assertEqual(self.iam().list_server_certificates()["ServerCertificateMetadataList"], [])

    def test_attempts_run_out_exit_5(self):
        self.emu.add_fault(service="iam", action=UPLOAD, fault="status", status=503)
        r = self.certup(env=self.env(AWS_MAX_ATTEMPTS="2"))
        self.assertEqual(r.rc, 5, r)
        self.assertEqual(len(self.upload_log()), 2)
        self.assertIn("still failing after 2 attempts", r.err)
        self.assertRegex(r.err, r"attempt 2/2")
        doc = r.json()  # one document in failure too
        self.assertEqual(doc["libcert"]["status"], "error")

        # the default is 3
        self.emu.clear_log()
        r = self.certup()
        self.assertEqual(r.rc, 5, r)
        self.assertEqual(len(self.upload_log()), 3)

        # max_attempts in the shared config file, as the AWS CLI reads it
        os.makedirs(os.path.join(self.home, ".aws"), exist_ok=True)
        cfg = os.path.join(self.home, ".aws", "config")
        with open(cfg, "w") as f:
            f.write("[default]\nmax_attempts = 4\n")
        try:
            self.emu.clear_log()
            r = self.certup()
            self.assertEqual(r.rc, 5, r)
            self.assertEqual(len(self.upload_log()), 4)
            # the environment beats the file, the option beats both
            self.emu.clear_log()
            r = self.certup(env=self.env(AWS_MAX_ATTEMPTS="2"))
            self.assertEqual(r.rc, 5, r)
            self.assertEqual(len(self.upload_log()), 2)
            self.emu.clear_log()
            r = self.certup("--max-attempts", "1", env=self.env(AWS_MAX_ATTEMPTS="2"))
            self.assertEqual(r.rc, 5, r)
            self.assertEqual(len(self.upload_log()), 1)
        finally:
            os.unlink(cfg)
        self.assertEqual(self.iam().list_server_certificates()["ServerCertificateMetadataList"], [])

    def test_connection_refused_exit_5(self):
        port = free_port()
        r = self.tool("certls", "-v", env=self.env(AWS_ENDPOINT_URL=f"http://127.0.0.1:{port}", AWS_MAX_ATTEMPTS="2"))
        self.assertEqual(r.rc, 5, r)
        self.assertRegex(r.err, r"attempt 1/2")
        self.assertRegex(r.err, r"attempt 2/2")
        self.assertNotRegex(r.err, r"attempt 3/")

    def test_validation_error_is_not_retried(self):
        self.emu.add_fault(service="iam", action=UPLOAD, fault="status", status=400, code="ValidationError",
                           message="1 validation error detected: Value at 'path' failed to satisfy constraint")
        r = self.certup()
        self.assertEqual(r.rc, 4, r)
        self.assertEqual(len(self.upload_log()), 1)
        self.assertEqual(self.emu.actions(), [UPLOAD])
        self.assertRegex(r.err, r"IAM rejected UploadServerCertificate: ValidationError: 1 validation error "
                                r"detected: .* \(request id [0-9a-f-]{36}\)")
        self.assertEqual(r.json()["libcert"]["status"], "error")
        self.assertEqual(self.iam().list_server_certificates()["ServerCertificateMetadataList"], [])

    def test_lost_answer_is_recognised_as_done(self):
        # The upload reaches IAM, its answer is lost; the retry meets EntityAlreadyExists and
        # certup compares what IAM holds: the same, so success.
        self.emu.add_fault(service="iam", action=UPLOAD, fault="after", count=1)
        r = self.certup()
        self.assertEqual(r.rc, 0, r)
        log = self.emu.log()
        self.assertEqual([(e["action"], e["status"], e["fault"]) for e in log],
                         [(UPLOAD, 200, "after"), (UPLOAD, 409, None), ("GetServerCertificate", 200, None)])
        doc = r.json()
        self.assertEqual(doc["libcert"]["status"], "exists")
        self.assertEqual(doc["libcert"]["attempts"], 2)
        got = self.aws("iam", "get-server-certificate", "--server-certificate-name", "site")
        self.assertServerCert(got, der_of("leaf-rsa2048.pem"), [der_of("int2.pem"), der_of("int1.pem")])
        self.assertEqual(doc["ServerCertificateMetadata"]["ServerCertificateId"],
                         got["ServerCertificate"]["ServerCertificateMetadata"]["ServerCertificateId"])

    def test_lost_answer_truncated(self):
        self.emu.add_fault(service="iam", action=UPLOAD, fault="after", then="truncate", count=1)
        r = self.certup("--max-attempts", "2")
        self.assertEqual(r.rc, 0, r)
        self.assertEqual(r.json()["libcert"]["status"], "exists")
        self.assertEqual([e["status"] for e in self.upload_log()], [200, 409])


class Verbose(EmuTestCase):
    """-v: one line per request, never a secret."""

    def env_secret(self, **extra):
        return self.env(AWS_ACCESS_KEY_ID="AKIAVERBOSETEST00001", AWS_SECRET_ACCESS_KEY=SECRET,
                        AWS_SESSION_TOKEN=TOKEN, **extra)

    def assert_clean(self, r):
        for text in (r.out, r.err):
            self.assertNoSecrets(text, SECRET, TOKEN, *key_body_lines(GOOD))
            self.assertNotIn("Signature=", text)
            self.assertNotIn("Credential=", text)

    def test_verbose_lines_and_no_secrets(self):
        relay = Relay(self.emu.port)
        try:
            self.emu.add_fault(service="iam", action=UPLOAD, fault="status", status=503, count=1)
            r = self.tool("certup", *self.CHECK, "-v", "-v", "--name", "v", GOOD,
                          env=self.env_secret(AWS_ENDPOINT_URL=relay.endpoint))
            self.assertEqual(r.rc, 0, r)
            host = f"127\\.0\\.0\\.1:{relay.port}"
            lines = [ln for ln in r.err.splitlines() if UPLOAD in ln and "attempt" in ln]
            self.assertEqual(len(lines), 2, r)
            self.assertRegex(lines[0], rf"IAM {UPLOAD} POST {host}: 503 ServiceUnavailable \(attempt 1/3, \d+ ms\)")
            self.assertRegex(lines[1], rf"IAM {UPLOAD} POST {host}: 200 \(attempt 2/3, \d+ ms\)")
            self.assert_clean(r)
            # the secrets were used: the token went out as X-Amz-Security-Token, signed
            sent = relay.requests()
            self.assertEqual(len(sent), 2)
            for _, headers, _ in sent:
                self.assertEqual(headers.get("x-amz-security-token"), TOKEN)
                self.assertIn("Credential=AKIAVERBOSETEST00001/", headers.get("authorization", ""))
                self.assertIn("x-amz-security-token", headers["authorization"])
        finally:
            relay.close()

        # a failure, the already-done path, and the other tools
        self.emu.add_fault(service="iam", action=UPLOAD, fault="status", status=400, code="ValidationError",
                           message="bad", count=1)
        r = self.tool("certup", *self.CHECK, "-v", "-v", "--name", "v", GOOD, env=self.env_secret())
        self.assertEqual(r.rc, 4, r)
        self.assertRegex(r.err, rf"{UPLOAD} POST 127\.0\.0\.1:{self.emu.port}: 400 ValidationError \(attempt 1/3")
        self.assert_clean(r)
        r = self.tool("certup", *self.CHECK, "-v", "-v", "--name", "v", GOOD, env=self.env_secret())
        self.assertEqual(r.rc, 0, r)
        self.assertRegex(r.err, rf"{UPLOAD} POST 127\.0\.0\.1:{self.emu.port}: 409 EntityAlreadyExists "
                                r"\(attempt 1/3, \d+ ms\)")
        self.assertRegex(r.err, rf"GetServerCertificate POST 127\.0\.0\.1:{self.emu.port}: 200 \(attempt 1/3, \d+ ms\)")
        self.assert_clean(r)
        r = self.tool("certls", "-v", "-v", "--in-use", env=self.env_secret())
        self.assertEqual(r.rc, 0, r)
        for action in ("ListServerCertificates", "ListDistributions", "GetAccountSummary"):
            self.assertRegex(r.err, rf"{action} \S+ 127\.0\.0\.1:{self.emu.port}: 200 \(attempt 1/3, \d+ ms\)")
        self.assert_clean(r)
        r = self.tool("certcheck", *self.CHECK, "-v", "-v", "--iam", "v", env=self.env_secret())
        self.assertEqual(r.rc, 0, r)
        self.assertRegex(r.err, rf"GetServerCertificate POST 127\.0\.0\.1:{self.emu.port}: 200")
        self.assert_clean(r)
        r = self.tool("certup", *self.CHECK, "-v", "-v", "--dry-run", GOOD, env=self.env_secret())
        self.assertEqual(r.rc, 0, r)
        self.assert_clean(r)


if __name__ == "__main__":
    main()
