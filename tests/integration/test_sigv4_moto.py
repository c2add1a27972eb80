#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
"""moto's real signature check against libcert's signing.

The emulator runs with signature checking on (tests/emulator/README.md, "Authentication"):
an IAM user with an allow-all policy and an access key are created while moto's counter lets
three actions through, then every request must carry a valid SigV4 signature made with a key
moto's IAM knows. Requests go through the C library (tests/integration/aws_send_driver:
credentials resolved from the environment or a profile, cert_aws__send signing and sending):

  * IAM (query API, POST form) and CloudFront (REST GET, path signing) with the created key
    pass;
  * the same with a wrong secret fail with CERT_E_AWS, HTTP 403 and SignatureDoesNotMatch;
  * credentials with a session token from STS AssumeRole pass (X-Amz-Security-Token signed);
  * a profile with role_arn + source_profile: libcert itself calls AssumeRole, signed with the
    source profile's key (moto checks that signature too), then signs IAM with the role's
    temporary credentials.
"""

import json
import os
import subprocess
import sys
import tempfile
import time
import unittest

SRC = os.environ.get("LIBCERT_SRC") or os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
BUILD = os.environ.get("LIBCERT_BUILD", "")
DRIVER = os.path.join(BUILD, "tests", "integration", "aws_send_driver")
# e.g. LIBCERT_TEST_WRAPPER="valgrind -q --leak-check=full --error-exitcode=99"
WRAPPER = os.environ.get("LIBCERT_TEST_WRAPPER", "").split()
sys.path.insert(0, os.path.join(SRC, "tests", "emulator"))

from emuctl import Emulator  # noqa: E402

LIST_CERTS = ("iam", "POST", "/", "", "Action=ListServerCertificates&Version=2010-05-08")
LIST_USERS = ("iam", "POST", "/", "", "Action=ListUsers&Version=2010-05-08")
LIST_DISTS = ("cloudfront", "GET", "/2020-05-31/distribution", "MaxItems=10")
# Two query parameters in reverse order and characters that must be encoded: the canonical query
# is sorted and re-encoded by both sides.
LIST_CERTS_QUERY = ("iam", "GET", "/",
                    "Version=2010-05-08&PathPrefix=%2Fcloudfront%2F&Action=ListServerCertificates")


class SigV4AgainstMoto(unittest.TestCase):
    emu = None

    @classmethod
    def setUpClass(cls):
        if not os.access(DRIVER, os.X_OK):
            raise unittest.SkipTest(f"{DRIVER} is not built")
        cls.tmp = tempfile.TemporaryDirectory(prefix="libcert-sigv4-moto-")
        cls.emu = Emulator(auth=0, deploy_delay=0).start()
        cls.key_id, cls.secret = cls.emu.enable_auth()

    @classmethod
    def tearDownClass(cls):
        if cls.emu is not None:
            cls.emu.stop()
        cls.tmp.cleanup()

    def env(self, **kw):
        """A clean environment: only the emulator endpoint, empty config files, no IMDS."""
        e = {k: v for k, v in os.environ.items() if not k.startswith("AWS_")}
        e.update(AWS_ENDPOINT_URL=self.emu.endpoint, AWS_EC2_METADATA_DISABLED="true",
                 AWS_CONFIG_FILE=os.path.join(self.tmp.name, "config"),
                 AWS_SHARED_CREDENTIALS_FILE=os.path.join(self.tmp.name, "credentials"),
                 HOME=self.tmp.name, AWS_MAX_ATTEMPTS="1")
        e.update({k: v for k, v in kw.items() if v is not None})
        return e

    def run_driver(self, args, env, profile=None):
        cmd = WRAPPER + [DRIVER] + (["--profile", profile] if profile else []) + list(args)
        p = subprocess.run(cmd, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, timeout=120)
        if p.returncode == 99:
            self.fail(f"the wrapper found errors: {p.stderr.decode(errors='replace')}")
        try:
            out = json.loads(p.stdout)
        except ValueError:
            self.fail(f"driver printed no JSON: {p.stdout!r} {p.stderr!r}")
        return p.returncode, out

    def keys(self, key_id=None, secret=None, token=None):
        return self.env(AWS_ACCESS_KEY_ID=key_id or self.key_id,
                        AWS_SECRET_ACCESS_KEY=secret or self.secret, AWS_SESSION_TOKEN=token)

    def assert_ok(self, args, env, profile=None):
        rc, out = self.run_driver(args, env, profile)
        self.assertEqual(rc, 0, out)
        self.assertEqual(out["status"], 200, out)
        return out

    def assert_signature_refused(self, args, env):
        rc, out = self.run_driver(args, env)
        self.assertEqual(rc, 4, out)  # CERT_E_AWS
        self.assertEqual(out["result"], cert_err_aws(), out)
        self.assertEqual(out["status"], 403, out)
        self.assertEqual(out["code"], "SignatureDoesNotMatch", out)
        self.assertIn("SignatureDoesNotMatch", out["message"])

    # -- tests -------------------------------------------------------------------------------------

    def test_created_key_passes(self):
        env = self.keys()
        out = self.assert_ok(LIST_CERTS, env)
        self.assertEqual(out["source"], "environment")
        self.assertIn("ListServerCertificatesResult", out["body"])
        self.assert_ok(LIST_USERS, env)
        self.assert_ok(LIST_CERTS_QUERY, env)
        self.assert_ok(LIST_DISTS, env)
        # and through the IAM module (cert_iam_list: every page, its own requests)
        out = self.assert_ok(("--iam-list", "/"), env)
        self.assertEqual(out["body"], "0")

    def test_wrong_secret_is_signature_does_not_match(self):
        env = self.keys(secret=wrong(self.secret))
        self.assert_signature_refused(LIST_CERTS, env)
        self.assert_signature_refused(LIST_DISTS, env)
        self.assert_signature_refused(("--iam-list", "/"), env)

    def test_unknown_key_is_invalid_client_token(self):
        rc, out = self.run_driver(LIST_CERTS, self.keys(key_id="AKIAUNKNOWNKEY000000"))
        self.assertEqual(rc, 4, out)
        self.assertEqual(out["code"], "InvalidClientTokenId", out)

    def assumed_role(self, session_name):
        """A role with an allow-all policy, assumed with boto3 (signed with the created key)."""
        iam = self.emu.client("iam")
        name = f"libcert-{session_name}"
        trust = {"Version": "2012-10-17", "Statement": [
            {"Effect": "Allow", "Principal": {"AWS": "*"}, "Action": "sts:AssumeRole"}]}
        arn = iam.create_role(RoleName=name, AssumeRolePolicyDocument=json.dumps(trust))["Role"]["Arn"]
        iam.put_role_policy(RoleName=name, PolicyName="all", PolicyDocument=json.dumps(
            {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "*", "Resource": "*"}]}))
        return arn

    def test_session_token_passes(self):
        arn = self.assumed_role("token")
        c = self.emu.client("sts").assume_role(RoleArn=arn, RoleSessionName="libcert-token")["Credentials"]
        env = self.keys(c["AccessKeyId"], c["SecretAccessKey"], c["SessionToken"])
        self.assert_ok(LIST_CERTS, env)
        self.assert_ok(LIST_DISTS, env)
        # and the signature still matters with a token
        env = self.keys(c["AccessKeyId"], wrong(c["SecretAccessKey"]), c["SessionToken"])
        self.assert_signature_refused(LIST_CERTS, env)

    def test_library_assumes_role_with_source_profile(self):
        arn = self.assumed_role("profile")
        with open(os.path.join(self.tmp.name, "credentials"), "w") as f:
            f.write(f"[base]\naws_access_key_id = {self.key_id}\naws_secret_access_key = {self.secret}\n"
                    f"[badbase]\naws_access_key_id = {self.key_id}\naws_secret_access_key = wrong\n")
        with open(os.path.join(self.tmp.name, "config"), "w") as f:
            f.write(f"[profile role]\nrole_arn = {arn}\nsource_profile = base\n"
                    "role_session_name = libcert-moto\n"
                    f"[profile badrole]\nrole_arn = {arn}\nsource_profile = badbase\n")
        try:
            out = self.assert_ok(LIST_CERTS, self.env(), profile="role")
            self.assertEqual(out["source"], "assume role")
            self.assert_ok(LIST_DISTS, self.env(), profile="role")
            # AssumeRole signed with a wrong source secret is refused by STS
            rc, out = self.run_driver(LIST_CERTS, self.env(), profile="badrole")
            self.assertEqual(rc, 4, out)
            self.assertIn("profile badrole", out["message"])
            self.assertIn("AssumeRole", out["message"])
            self.assertIn("SignatureDoesNotMatch", out["message"])
            self.assertNotIn("wrong", out["message"])
        finally:
            os.unlink(os.path.join(self.tmp.name, "credentials"))
            os.unlink(os.path.join(self.tmp.name, "config"))


def wrong(secret):
    """The secret with its last character changed."""
    return secret[:-1] + ("A" if secret[-1] != "A" else "B")


def cert_err_aws():
    return "AWS error"


if __name__ == "__main__":
    from testmain import main

    main()
