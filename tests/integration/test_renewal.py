#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
"""Renewal left unattended (issue #10), against the emulator:

- the README's cron line itself (read from README.md, only its path replaced) through four
  renewals of the same names 60 days apart, the tool's clock (libfaketime) and the emulator's
  certificate clock moved together: after each, every matched distribution serves the newest
  certificate, exactly one certificate for those names is left, exit 0 with nothing printed
  (cron mails nothing); and a rerun sends no write request;
- each failure of the issue's "Why" and each guard, with its exit code and the account unchanged
  (the certificate list and every distribution's ETag): a --replace that never existed, an alias
  on no distribution, a downgrade, a distribution on ACM, tagging denied with --delete-old;
- an upload followed by a failure: "finished": false, the uploaded certificate named, and a rerun
  that finishes;
- the ACME hooks (certbot's RENEWED_LINEAGE, lego's LEGO_CERT_PATH / LEGO_CERT_KEY_PATH) with
  their own configuration;
- the wait: a line per change and a heartbeat off a terminal, a block no taller than the
  terminal on a pseudo-terminal, and the request count for 20 distributions over a 3-minute
  deploy (time scaled by LIBCERT_WAIT_SCALE and the emulator's deploy delay together).
"""

import datetime
import fcntl
import os
import pty
import re
import select
import shlex
import shutil
import struct
import subprocess
import sys
import termios
import time
import unittest

sys.dont_write_bytecode = True
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from lib import (  # noqa: E402
    main,
    SRC,
    EmuTestCase,
    cf_config_raw,
    cf_etag,
    cf_viewer_dict,
    fixture,
    iam_names,
    make_bundle,
    tool_path,
)

UTC = datetime.timezone.utc
T0 = datetime.datetime(2026, 1, 1, tzinfo=UTC)
WRITES = ("UploadServerCertificate", "TagServerCertificate", "UpdateDistribution",
          "DeleteServerCertificate", "UpdateServerCertificate")
FAKETIME = shutil.which("faketime")


def readme_cron_line():
    """The certrotate cron line of README.md (after its five time fields)."""
    with open(os.path.join(SRC, "README.md")) as f:
        for line in f:
            m = re.match(r"^(\S+\s+){5}(certrotate\s.*)$", line.strip())
            if m:
                return m.group(2)
    raise AssertionError("README.md has no certrotate cron line")


class RenewalCase(EmuTestCase):
    EMU = dict(deploy_delay=0.5)

    def setUp(self):
        super().setUp()
        self.env_extra = dict(SSL_CERT_FILE=fixture("root.pem"), LIBCERT_WAIT_SCALE="0.05")

    def bundle_dir(self, k, not_after, not_before, names=("www.example.com", "example.com")):
        d = os.path.join(self.tmp, f"live-{k}", "example.com")
        os.makedirs(d)
        make_bundle(os.path.join(d, "bundle.pem"), list(names), not_after=not_after, not_before=not_before)
        return d

    def account(self):
        """What must not change when a run refuses: every certificate and every ETag."""
        certs = sorted((m["ServerCertificateName"], m["ServerCertificateId"]) for m in
                       self.aws("iam", "list-server-certificates")["ServerCertificateMetadataList"])
        dists = self.aws("cloudfront", "list-distributions").get("DistributionList", {}).get("Items", [])
        return certs, {d["Id"]: cf_etag(self.emu, d["Id"]) for d in dists}

    def writes(self, since):
        return [e["action"] for e in self.emu.log(since=since) if e["action"] in WRITES]

    def iam_id(self, dist_id):
        return cf_viewer_dict(cf_config_raw(self.emu, dist_id)[1]).get("IAMCertificateId")

    def env(self, **extra):
        e = super().env(**self.env_extra)
        e.update({k: v for k, v in extra.items() if v is not None})
        return e

    def rotate(self, *args, env=None, timeout=120):
        return self.tool("certrotate", *args, env=env, timeout=timeout)

    def initial(self, name="www-initial", not_after=T0 + datetime.timedelta(days=20)):
        leaf, key, chain = make_bundle(os.path.join(self.tmp, name + ".pem"), ["www.example.com", "example.com"],
                                       not_after=not_after, not_before=T0 - datetime.timedelta(days=70))
        return self.emu.upload_certificate(name, leaf, key, chain)


@unittest.skipIf(FAKETIME is None, "faketime is not installed (scripts/deps.sh installs it)")
class ReadmeCronLine(RenewalCase):

    def test_four_renewals_with_the_readme_line(self):
        line = readme_cron_line()
        self.assertIn("--delete-old", line)
        self.assertIn("-q", line.split())
        cert0 = self.initial()
        d1 = self.emu.create_distribution(aliases=["www.example.com"], viewer_certificate=cert0["ServerCertificateId"])["Id"]
        d2 = self.emu.create_distribution(aliases=["example.com"], viewer_certificate=cert0["ServerCertificateId"])["Id"]
        other = self.initial("other-site", not_after=T0 + datetime.timedelta(days=400))
        d3 = self.emu.create_distribution(aliases=[], viewer_certificate=other["ServerCertificateId"])["Id"]
        etag3 = cf_etag(self.emu, d3)
        for k in range(1, 5):
            when = T0 + datetime.timedelta(days=60 * k)
            self.set_cert_clock(when.strftime("%Y-%m-%dT%H:%M:%SZ"))
            live = self.bundle_dir(k, not_after=when + datetime.timedelta(days=90),
                                   not_before=when - datetime.timedelta(days=1))
            argv = shlex.split(line.replace("/etc/letsencrypt/live/example.com", live))
            argv[0] = tool_path("certrotate")
            # the faketime wrapper sets the clock for the tool alone; its monotonic clock runs true
            env = self.env(FAKETIME_DONT_FAKE_MONOTONIC="1")
            fake = "@" + when.strftime("%Y-%m-%d %H:%M:%S")
            seq = self.emu.last_seq()
            r = self.tool(FAKETIME, "-f", fake, *argv, env=env, timeout=180)
            self.assertEqual((r.rc, r.out, r.err), (0, "", ""), f"renewal {k}: {r!r}")
            names = [n for n in iam_names(self.emu) if n != "other-site"]
            self.assertEqual(len(names), 1, f"renewal {k}: {names}")
            new_id = self.emu.client("iam").get_server_certificate(ServerCertificateName=names[0])[
                "ServerCertificate"]["ServerCertificateMetadata"]["ServerCertificateId"]
            self.assertEqual((self.iam_id(d1), self.iam_id(d2)), (new_id, new_id), f"renewal {k}")
            self.assertIn("UploadServerCertificate", self.writes(seq))
            self.assertIn("DeleteServerCertificate", self.writes(seq))
            # the record on the new certificate, read back with the AWS CLI
            tags = {t["Key"]: t["Value"] for t in self.aws("iam", "list-server-certificate-tags",
                                                           "--server-certificate-name", names[0])["Tags"]}
            self.assertTrue(any(k_.startswith("libcert:replaces:") for k_ in tags), tags)
            # the second, third, fourth run of the same line: nothing to do, nothing written
            for again in range(3):
                seq = self.emu.last_seq()
                r = self.tool(FAKETIME, "-f", fake, *argv, env=env, timeout=180)
                self.assertEqual((r.rc, r.out, r.err), (0, "", ""), f"renewal {k}, rerun {again}: {r!r}")
                self.assertEqual(self.writes(seq), [], f"renewal {k}, rerun {again}")
        self.assertEqual(cf_etag(self.emu, d3), etag3)
        self.assertIn("other-site", iam_names(self.emu))


class Refusals(RenewalCase):
    """Each failure of the issue's "Why": an error code, the account unchanged."""

    def setUp(self):
        super().setUp()
        self.cert0 = self.initial()
        self.d1 = self.emu.create_distribution(aliases=["www.example.com"],
                                               viewer_certificate=self.cert0["ServerCertificateId"])["Id"]
        self.live = self.bundle_dir(1, not_after=T0 + datetime.timedelta(days=150), not_before=T0 - datetime.timedelta(days=1))
        self.CHECK = ("--at", "2026-01-01T00:00:00Z")

    def assertRefused(self, r, code, text, before):
        self.assertEqual(r.rc, code, r)
        self.assertIn(text, r.err + r.out, r)
        self.assertEqual(self.account(), before)

    def test_replace_never_existed_uploads_nothing(self):
        before = self.account()
        seq = self.emu.last_seq()
        r = self.rotate(*self.CHECK, "--replace", "never-existed", "--delete-old", self.live)
        self.assertRefused(r, 1, "handle.unmatched", before)
        self.assertEqual(self.writes(seq), [])

    def test_alias_on_no_distribution(self):
        before = self.account()
        r = self.rotate(*self.CHECK, "--json", "--alias", "www.example.com", "--alias", "typo.example.com", self.live)
        self.assertRefused(r, 1, "typo.example.com", before)
        doc = r.json()
        self.assertEqual(doc["libcert"]["stage"], "plan")
        self.assertFalse(doc["libcert"]["finished"])
        self.assertEqual({h["value"]: h["status"] for h in doc["libcert"]["handles"]},
                         {"www.example.com": "matched", "typo.example.com": "unmatched"})

    def test_downgrade_is_refused(self):
        later = self.initial("www-later", not_after=T0 + datetime.timedelta(days=300))
        d2 = self.emu.create_distribution(aliases=["example.com"], viewer_certificate=later["ServerCertificateId"])["Id"]
        before = self.account()
        r = self.rotate(*self.CHECK, "--json", "--alias", "www.example.com", "--alias", "example.com", self.live)
        self.assertRefused(r, 1, "rotate.downgrade", before)
        by_id = {x["Id"]: x for x in r.json()["Distributions"]}
        self.assertEqual(by_id[d2]["guard"], "rotate.downgrade")
        self.assertIn("www-later", iam_names(self.emu))
        r = self.rotate(*self.CHECK, "--allow", "rotate.downgrade", "--alias", "example.com", self.live)
        self.assertEqual(r.rc, 0, r)
        self.assertNotEqual(self.iam_id(d2), later["ServerCertificateId"])

    def test_distributions_on_iam_and_acm_are_refused_without_store(self):
        # Since #13 a distribution on ACM rotates in ACM; one on IAM and one on ACM matched by
        # the same run, without --store, are refused (rotate.store): neither moves silently.
        leaf, key, chain = make_bundle(os.path.join(self.tmp, "acm.pem"), ["example.com"],
                                       not_after=T0 + datetime.timedelta(days=30),
                                       not_before=T0 - datetime.timedelta(days=10))
        arn = self.emu.import_certificate(leaf, key, chain)
        d2 = self.emu.create_distribution(aliases=["example.com"], viewer_certificate=arn)["Id"]
        before = self.account()
        r = self.rotate(*self.CHECK, "--json", "--alias", "www.example.com", "--alias", "example.com", self.live)
        self.assertRefused(r, 1, "rotate.store", before)
        by_id = {x["Id"]: x for x in r.json()["Distributions"]}
        self.assertEqual({by_id[d]["guard"] for d in by_id}, {"rotate.store"})
        self.assertIn(d2, r.out)

    def test_tagging_denied_with_delete_old(self):
        # The new certificate is in IAM already (certup put it there); recording what it replaces
        # is denied: --delete-old refuses before any distribution moves.
        r = self.tool("certup", *self.CHECK, "--ca-file", fixture("root.pem"), self.live)
        self.assertEqual(r.rc, 0, r)
        self.emu.add_fault(service="iam", action="TagServerCertificate", fault="status", status=403,
                           code="AccessDenied", message="not authorized to perform iam:TagServerCertificate (test)")
        before = self.account()
        seq = self.emu.last_seq()
        r = self.rotate(*self.CHECK, "--alias", "www.example.com", "--delete-old", self.live)
        self.assertRefused(r, 4, "TagServerCertificate", before)
        self.assertEqual(self.writes(seq), ["TagServerCertificate"])
        # Without --delete-old the record is only lost, said, and the renewal goes ahead.
        r = self.rotate(*self.CHECK, "-v", "--alias", "www.example.com", self.live)
        self.assertEqual(r.rc, 0, r)
        self.assertIn("cannot record", r.err)
        self.assertNotEqual(self.iam_id(self.d1), self.cert0["ServerCertificateId"])

    def test_upload_then_failure_is_unfinished_and_a_rerun_finishes(self):
        self.emu.add_fault(service="cloudfront", action="UpdateDistribution", fault="status", status=500, count=10)
        r = self.rotate(*self.CHECK, "--json", "--alias", "www.example.com", "--delete-old", self.live)
        self.assertEqual(r.rc, 5, r)
        doc = r.json()
        self.assertFalse(doc["libcert"]["finished"])
        self.assertEqual(doc["upload"]["status"], "uploaded")
        name = doc["ServerCertificateMetadata"]["ServerCertificateName"]
        self.assertIn(name, iam_names(self.emu))
        self.assertEqual(self.iam_id(self.d1), self.cert0["ServerCertificateId"])
        self.emu.clear_faults()
        seq = self.emu.last_seq()
        r = self.rotate(*self.CHECK, "--json", "--alias", "www.example.com", "--delete-old", self.live)
        self.assertEqual(r.rc, 0, r)
        self.assertTrue(r.json()["libcert"]["finished"])
        self.assertNotIn("UploadServerCertificate", self.writes(seq))
        self.assertEqual(iam_names(self.emu), [name])


class Hooks(RenewalCase):
    """The ACME hooks in contrib/, as certbot and lego run them."""

    def setUp(self):
        super().setUp()
        self.cert0 = self.initial()
        self.d1 = self.emu.create_distribution(aliases=["www.example.com"],
                                               viewer_certificate=self.cert0["ServerCertificateId"])["Id"]
        self.confdir = os.path.join(self.tmp, "conf")
        os.makedirs(self.confdir)
        when = datetime.datetime.now(UTC)
        self.cert_pem, self.key_pem, chain = make_bundle(
            os.path.join(self.tmp, "new.pem"), ["www.example.com", "example.com"],
            not_after=when + datetime.timedelta(days=90), not_before=when - datetime.timedelta(days=1))
        self.fullchain = self.write("fullchain.pem", self.cert_pem + chain)
        self.privkey = self.write("privkey.pem", self.key_pem)
        self.set_cert_clock(when.strftime("%Y-%m-%dT%H:%M:%SZ"))

    def hook_env(self, **extra):
        return self.env(LIBCERT_HOOK_DIR=self.confdir, CERTROTATE=tool_path("certrotate"), **extra)

    def test_certbot_deploy_hook(self):
        lineage = os.path.join(self.tmp, "letsencrypt", "live", "example.com")
        os.makedirs(lineage)
        shutil.copy(self.fullchain, os.path.join(lineage, "fullchain.pem"))
        shutil.copy(self.privkey, os.path.join(lineage, "privkey.pem"))
        hook = os.path.join(SRC, "contrib", "certbot-deploy-hook")
        # not configured: said, exit 0, nothing sent
        seq = self.emu.last_seq()
        r = self.tool(hook, env=self.hook_env(RENEWED_LINEAGE=lineage, RENEWED_DOMAINS="www.example.com"))
        self.assertEqual(r.rc, 0, r)
        self.assertIn("not deployed to CloudFront", r.err)
        self.assertEqual(self.emu.log(since=seq), [])
        with open(os.path.join(self.confdir, "example.com.conf"), "w") as f:
            f.write("# www\n--alias www.example.com\n--delete-old\n")
        # RENEWED_DOMAINS names no alias: the handles come from the configuration only
        r = self.tool(hook, env=self.hook_env(RENEWED_LINEAGE=lineage, RENEWED_DOMAINS="other.example.org"))
        self.assertEqual((r.rc, r.out), (0, ""), r)
        self.assertNotEqual(self.iam_id(self.d1), self.cert0["ServerCertificateId"])
        self.assertNotIn("www-initial", iam_names(self.emu))
        # a bad line is refused before anything runs
        with open(os.path.join(self.confdir, "example.com.conf"), "w") as f:
            f.write("alias www.example.com\n")
        r = self.tool(hook, env=self.hook_env(RENEWED_LINEAGE=lineage))
        self.assertNotEqual(r.rc, 0, r)
        self.assertIn("is not an option", r.err)

    def test_lego_hook(self):
        hook = os.path.join(SRC, "contrib", "lego-hook")
        with open(os.path.join(self.confdir, "www.example.com.conf"), "w") as f:
            f.write("--distribution %s\n" % self.d1)
        env = self.hook_env(LEGO_CERT_DOMAIN="www.example.com", LEGO_CERT_PATH=self.fullchain,
                            LEGO_CERT_KEY_PATH=self.privkey, LEGO_ACCOUNT_EMAIL="ops@example.com")
        r = self.tool(hook, env=env)
        self.assertEqual((r.rc, r.out), (0, ""), r)
        self.assertNotEqual(self.iam_id(self.d1), self.cert0["ServerCertificateId"])
        seq = self.emu.last_seq()
        r = self.tool(hook, env=env)
        self.assertEqual(r.rc, 0, r)
        self.assertEqual(self.writes(seq), [])


class Waiting(RenewalCase):
    """certattach --wait as a person and as a log see it; how often it asks."""

    def setUp(self):
        super().setUp()
        self.new = self.initial("www-new", not_after=T0 + datetime.timedelta(days=400))
        self.old = self.initial("www-old")

    def dists(self, n):
        ids = []
        for i in range(n):
            ids.append(self.emu.create_distribution(viewer_certificate=self.old["ServerCertificateId"])["Id"])
        return ids

    def attach_args(self, ids):
        return ["--at", "2026-01-01T00:00:00Z", "--cert", "www-new", "--wait", *ids]

    def test_log_lines_and_heartbeat(self):
        ids = self.dists(2)
        self.emu.set_config(deploy_delay=4)
        r = self.tool("certattach", *self.attach_args(ids), env=self.env(LIBCERT_WAIT_SCALE="0.02"))
        self.assertEqual(r.rc, 0, r)
        done = [ln for ln in r.err.splitlines() if re.match(r"^E\S+ Deployed \(\d/2, after ", ln)]
        self.assertEqual(len(done), 2, r.err)
        self.assertRegex(r.err, r"(?m)^waiting for Deployed: Deployed \d/2, longest wait")  # heartbeat
        self.assertRegex(r.err, r"(?m)^wait over: Deployed 2/2$")
        self.assertNotIn("\x1b[", r.err)
        # -q: not a word
        self.tool("certattach", "--at", "2026-01-01T00:00:00Z", "--cert", "www-old", *ids)
        r = self.tool("certattach", "-q", *self.attach_args(ids), env=self.env(LIBCERT_WAIT_SCALE="0.02"))
        self.assertEqual((r.rc, r.out, r.err), (0, "", ""), r)

    def test_terminal_block_fits_the_terminal(self):
        ids = self.dists(8)
        self.emu.set_config(deploy_delay=2)
        pid, fd = pty.fork()
        if pid == 0:
            os.execve(tool_path("certattach"), ["certattach", *self.attach_args(ids)],
                      self.env(LIBCERT_WAIT_SCALE="0.02", TERM="xterm"))
        fcntl.ioctl(fd, termios.TIOCSWINSZ, struct.pack("HHHH", 6, 100, 0, 0))
        out = b""
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            ready, _, _ = select.select([fd], [], [], 1)
            if not ready:
                continue
            try:
                chunk = os.read(fd, 65536)
            except OSError:
                break
            if not chunk:
                break
            out += chunk
        _, status = os.waitpid(pid, 0)
        self.assertEqual(os.waitstatus_to_exitcode(status), 0, out)
        text = out.decode(errors="replace")
        self.assertIn("\x1b[2K", text)
        self.assertRegex(text, r"Deployed 0/8, longest wait")
        self.assertIn("... and ", text)  # 8 in progress do not fit in 6 rows
        # every redraw moves up at most the block's height (rows - 1)
        ups = [int(n) for n in re.findall(r"\x1b\[(\d+)A", text)]
        self.assertTrue(ups and max(ups) <= 5, ups)

    def test_twenty_distributions_over_a_three_minute_deploy(self):
        # 3 minutes of deploy at a hundredth of the time: the tool's waits scaled the same way.
        ids = self.dists(20)
        self.emu.set_config(deploy_delay=1.8)
        seq = self.emu.last_seq()
        r = self.tool("certattach", "-q", *self.attach_args(ids), env=self.env(LIBCERT_WAIT_SCALE="0.01"),
                      timeout=120)
        self.assertEqual(r.rc, 0, r)
        polls = [e["action"] for e in self.emu.log(since=seq) if e["action"] in ("GetDistribution", "ListDistributions")]
        # 5, 10, 20, 40, 60, 60 ... seconds: about six polls in 3 minutes, each one
        # ListDistributions for all 20 (at a poll of each every 2 s it was 20 x 90 = 1800).
        self.assertLessEqual(len(polls), 10, polls)
        self.assertGreaterEqual(len(polls), 3, polls)
        self.assertTrue(all(p == "ListDistributions" for p in polls[:-1]), polls)


if __name__ == "__main__":
    main()
