#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
"""certrotate against the emulator: the whole renewal with --replace and --delete-old (one new
certificate in IAM, every user of the old one moved and confirmed, Deployed, the old one
deleted; DeleteConflict retried), the --json summary with each distribution's
PreviousIAMCertificateId, a second run that has nothing left to do, --distribution, --dry-run
(every step shown, nothing changed), a bundle that fails its checks (no request at all), a
distribution the new certificate does not cover (nothing changed, old kept), and --verify-live
against an `openssl s_server` serving the new leaf (and the old one: failure, old kept)."""

import datetime
import os
import socket
import subprocess
import sys
import threading
import time
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from lib import (  # noqa: E402
    main,
    EmuTestCase,
    cf_config_raw,
    cf_etag,
    cf_set_iam_cert,
    cf_status,
    cf_viewer_dict,
    fixture,
    free_port,
    iam_names,
    make_bundle,
    read,
    upload_fixture,
    wait_until,
)

UTC = datetime.timezone.utc
GOOD = fixture("bundle-good.pem")  # leaf-rsa2048: www.example.com, example.com


class RotateCase(EmuTestCase):

    def setUp(self):
        super().setUp()
        # The certificate being replaced: same names, expiring sooner.
        self.old_leaf, self.old_key, chain = make_bundle(os.path.join(self.tmp, "old.pem"),
                                                         ["www.example.com", "example.com"],
                                                         not_after=datetime.datetime(2026, 3, 1, tzinfo=UTC))
        self.old = self.emu.upload_certificate("old", self.old_leaf, self.old_key, chain)
        self.other = upload_fixture(self.emu, "other", "wildcard")
        self.d1 = self.emu.create_distribution(aliases=["www.example.com"],
                                               viewer_certificate=self.old["ServerCertificateId"])["Id"]
        self.d2 = self.emu.create_distribution(aliases=["example.com"],
                                               viewer_certificate=self.old["ServerCertificateId"])["Id"]
        # Not a user of old: never touched by --replace old.
        self.d3 = self.emu.create_distribution(aliases=["shop.example.com"],
                                               viewer_certificate=self.other["ServerCertificateId"])["Id"]

    def rotate(self, *args, timeout=120, check=True):
        return self.tool("certrotate", *(self.CHECK if check else ()), *args, timeout=timeout)

    def iam_id(self, dist_id):
        return cf_viewer_dict(cf_config_raw(self.emu, dist_id)[1]).get("IAMCertificateId")

    def cert_id(self, name):
        return self.emu.client("iam").get_server_certificate(ServerCertificateName=name)[
            "ServerCertificate"]["ServerCertificateMetadata"]["ServerCertificateId"]

    def assertGone(self, name):
        r = self.aws("iam", "get-server-certificate", "--server-certificate-name", name, check=False)
        self.assertNotEqual(r.rc, 0, r)
        self.assertIn("NoSuchEntity", r.err)

    def new_names(self):
        return [n for n in iam_names(self.emu) if n not in ("old", "other")]


class CertrotateRun(RotateCase):

    EMU = dict(deploy_delay=1)

    def test_replace_and_delete_old(self):
        etag3 = cf_etag(self.emu, self.d3)
        seq0 = self.emu.last_seq()
        t0 = time.monotonic()
        r = self.rotate("--json", "--replace", "old", "--delete-old", GOOD)
        self.assertEqual(r.rc, 0, r)
        log = self.emu.log(since=seq0)
        doc = r.json()
        new = doc["ServerCertificateMetadata"]
        self.assertEqual(doc["upload"]["status"], "uploaded")
        self.assertEqual(new["Path"], "/cloudfront/")
        # Exactly one new certificate in IAM, read back with the AWS CLI; old is gone.
        listed = self.aws("iam", "list-server-certificates")["ServerCertificateMetadataList"]
        self.assertEqual(sorted(m["ServerCertificateName"] for m in listed), sorted([new["ServerCertificateName"], "other"]))
        self.assertGone("old")
        self.assertEqual([e["status"] for e in self.emu.log(since=seq0, action="UploadServerCertificate")], [200])
        # Every user of old now uses new, confirmed; the other distribution untouched.
        for d in (self.d1, self.d2):
            cli = self.aws("cloudfront", "get-distribution-config", "--id", d)
            self.assertEqual(cli["DistributionConfig"]["ViewerCertificate"]["IAMCertificateId"],
                             new["ServerCertificateId"])
            self.assertEqual(cf_status(self.emu, d), "Deployed")  # --delete-old waited
        self.assertEqual(cf_etag(self.emu, self.d3), etag3)
        by_id = {x["Id"]: x for x in doc["Distributions"]}
        self.assertEqual(set(by_id), {self.d1, self.d2})
        for d in (self.d1, self.d2):
            self.assertEqual(by_id[d]["status"], "updated")
            self.assertEqual(by_id[d]["PreviousIAMCertificateId"], self.old["ServerCertificateId"])
            self.assertTrue(by_id[d]["confirmed"])
            self.assertTrue(by_id[d]["deployed"])
        self.assertEqual(doc["delete_old"]["status"], "deleted")
        self.assertEqual([(c["ServerCertificateId"], c["status"]) for c in doc["delete_old"]["certificates"]],
                         [(self.old["ServerCertificateId"], "deleted")])
        self.assertTrue(doc["libcert"]["finished"])
        self.assertEqual((doc["libcert"]["stage"], doc["libcert"]["exit_code"]), ("done", 0))
        # Deleted only after the distributions were Deployed.
        deleted_at = [e["seq"] for e in log if e["action"] == "DeleteServerCertificate" and e["status"] == 200]
        self.assertEqual(len(deleted_at), 1)
        polls = [e for e in log if e["action"] == "GetDistribution"]
        self.assertTrue(polls and max(p["seq"] for p in polls) < deleted_at[0])
        self.assertGreater(time.monotonic() - t0, 0.9)

        # Run again: nothing left to do, success, no second upload, no update.
        seq = self.emu.last_seq()
        r = self.rotate("--json", "--replace", "old", "--delete-old", GOOD)
        self.assertEqual(r.rc, 0, r)
        again = r.json()
        self.assertIn(again["upload"]["status"], ("exists",))
        self.assertIn(again["delete_old"]["status"], ("already-gone",))
        # A rerun after a finished job sends no write request at all (issue #10).
        self.assertEqual([e["action"] for e in self.emu.log(since=seq) if e["action"] in
                          ("UploadServerCertificate", "TagServerCertificate", "UpdateDistribution",
                           "DeleteServerCertificate")], [])
        self.assertEqual(self.new_names(), [new["ServerCertificateName"]])

    def test_text_summary_and_name(self):
        r = self.rotate("--name", "site-2026", "--replace", "old", GOOD)
        self.assertEqual(r.rc, 0, r)
        new_id = self.cert_id("site-2026")
        for d in (self.d1, self.d2):
            self.assertEqual(self.iam_id(d), new_id)
            line = [ln for ln in r.out.splitlines() if d in ln]
            self.assertEqual(len(line), 1, r)
            self.assertIn(self.old["ServerCertificateId"], line[0])
            self.assertIn("confirmed", line[0])
        # Without --delete-old the old certificate stays.
        self.assertIn("old", iam_names(self.emu))

    def test_wait_and_no_wait(self):
        r = self.rotate("--json", "--distribution", self.d1, GOOD)
        self.assertEqual(r.rc, 0, r)
        self.assertFalse(r.json()["Distributions"][0]["deployed"])
        self.assertEqual(self.emu.count("GetDistribution"), 0)
        self.assertEqual(cf_status(self.emu, self.d1), "InProgress")
        r = self.rotate("--json", "--wait", "--distribution", self.d2, GOOD)
        self.assertEqual(r.rc, 0, r)
        x = r.json()["Distributions"][0]
        self.assertEqual((x["Id"], x["status"], x["deployed"], x["confirmed"]), (self.d2, "updated", True, True))
        self.assertEqual(cf_status(self.emu, self.d2), "Deployed")

    def test_only_the_wait_failed_says_every_distribution_changed(self):
        # Issue #11, defect 11: every distribution changed and only the wait for Deployed ran
        # out: the message must not say that a distribution was not changed.
        self.emu.set_config(deploy_delay=60)
        r = self.rotate("--json", "--wait", "--wait-timeout", "1", "--replace", "old", GOOD)
        self.assertEqual(r.rc, 5, r)
        doc = r.json()
        new_id = doc["ServerCertificateMetadata"]["ServerCertificateId"]
        for x in doc["Distributions"]:
            self.assertEqual((x["status"], x["deployed"]), ("updated", False), doc)
            self.assertEqual(self.iam_id(x["Id"]), new_id)
        message = doc["libcert"]["error"]["message"]
        self.assertIn("every distribution changed", message)
        self.assertNotIn("not changed", message)
        self.assertEqual(doc["libcert"]["stage"], "attach")
        r = self.rotate("--wait", "--wait-timeout", "1", "--replace", "old", GOOD)
        self.assertEqual(r.rc, 5, r)
        self.assertIn("every distribution changed", r.err)
        self.assertNotIn("not changed", r.err)

    def test_delete_conflict_is_retried(self):
        self.emu.add_fault(service="iam", action="DeleteServerCertificate", fault="status", status=409,
                           code="DeleteConflict",
                           message="Certificate: old is currently in use by a distribution. Please remove it first "
                                   "before deleting it from IAM.", count=1)
        r = self.rotate("-v", "--json", "--replace", "old", "--delete-old", GOOD)
        self.assertEqual(r.rc, 0, r)
        self.assertEqual([e["status"] for e in self.emu.log(action="DeleteServerCertificate")], [409, 200])
        self.assertIn("DeleteConflict", r.err)
        self.assertEqual(r.json()["delete_old"]["status"], "deleted")
        self.assertGone("old")

    def test_delete_conflict_retry_is_bounded(self):
        self.emu.add_fault(service="iam", action="DeleteServerCertificate", fault="status", status=409,
                           code="DeleteConflict", message="Certificate: old is currently in use.")
        t0 = time.monotonic()
        r = self.rotate("--json", "--wait-timeout", "3", "--replace", "old", "--delete-old", GOOD)
        self.assertLess(time.monotonic() - t0, 60)
        self.assertEqual(r.rc, 4, r)
        doc = r.json()
        self.assertEqual(doc["delete_old"]["status"], "failed")
        self.assertEqual(doc["libcert"]["stage"], "delete")
        self.assertGreaterEqual(self.emu.count("DeleteServerCertificate"), 2)
        self.assertIn("old", iam_names(self.emu))

    def test_distribution_mode(self):
        r = self.rotate("--json", "--distribution", self.d1, GOOD)
        self.assertEqual(r.rc, 0, r)
        doc = r.json()
        new_id = doc["ServerCertificateMetadata"]["ServerCertificateId"]
        by_id = {x["Id"]: x for x in doc["Distributions"]}
        self.assertEqual(set(by_id), {self.d1})
        self.assertEqual(by_id[self.d1]["PreviousIAMCertificateId"], self.old["ServerCertificateId"])
        self.assertTrue(by_id[self.d1]["confirmed"])
        self.assertEqual(self.iam_id(self.d1), new_id)
        self.assertEqual(self.iam_id(self.d2), self.old["ServerCertificateId"])  # not named: untouched
        self.assertIn("old", iam_names(self.emu))

    def test_default_certificate_is_refused(self):
        # rotate.store: a distribution on CloudFront's default certificate is never moved to IAM
        # by certrotate (issue #10); certattach, which names its certificate, is the way. Nothing
        # is uploaded or changed; --allow rotate.store lets it through.
        bare = self.emu.create_distribution(aliases=[], viewer_certificate=None)["Id"]
        etags = {d: cf_etag(self.emu, d) for d in (self.d1, bare)}
        names = iam_names(self.emu)
        r = self.rotate("--json", "--distribution", self.d1, "--distribution", bare, GOOD)
        self.assertEqual(r.rc, 1, r)
        by_id = {x["Id"]: x for x in r.json()["Distributions"]}
        self.assertEqual((by_id[bare]["status"], by_id[bare]["guard"]), ("refused", "rotate.store"))
        self.assertEqual(iam_names(self.emu), names)
        self.assertEqual({d: cf_etag(self.emu, d) for d in etags}, etags)
        r = self.rotate("--json", "--allow", "rotate.store", "--distribution", bare, GOOD)
        self.assertEqual(r.rc, 0, r)
        self.assertEqual(self.iam_id(bare), r.json()["ServerCertificateMetadata"]["ServerCertificateId"])
        self.assertIsNone(r.json()["Distributions"][0]["PreviousIAMCertificateId"])

    def test_delete_old_with_a_distribution_handle(self):
        # --delete-old works with every handle and deletes only what this job replaced once no
        # distribution uses it: old stays while d2 (not matched) still uses it.
        r = self.rotate("--json", "--distribution", self.d1, "--delete-old", GOOD)
        self.assertEqual(r.rc, 0, r)
        doc = r.json()
        [c] = doc["delete_old"]["certificates"]
        self.assertEqual((c["ServerCertificateName"], c["status"], c["used_by"]), ("old", "kept", [self.d2]))
        self.assertIn("old", iam_names(self.emu))
        # d2's turn: now nothing uses old, and it goes.
        r = self.rotate("--json", "--distribution", self.d2, "--delete-old", GOOD)
        self.assertEqual(r.rc, 0, r)
        self.assertEqual(r.json()["delete_old"]["status"], "deleted")
        self.assertGone("old")

    def test_dry_run_shows_every_step_and_changes_nothing(self):
        etags = {d: cf_etag(self.emu, d) for d in (self.d1, self.d2, self.d3)}
        names = iam_names(self.emu)
        seq = self.emu.last_seq()
        r = self.rotate("--dry-run", "--replace", "old", "--delete-old", GOOD)
        self.assertEqual(r.rc, 0, r)
        self.assertEqual([e for e in self.emu.log(since=seq) if e["action"] in
                          ("UploadServerCertificate", "UpdateDistribution", "DeleteServerCertificate")], [])
        self.assertEqual(iam_names(self.emu), names)
        for d, etag in etags.items():
            self.assertEqual(cf_etag(self.emu, d), etag)
        out = r.out
        self.assertRegex(out, r"(?im)^upload:.*(dry-run|would)")
        self.assertRegex(out, r"www\.example\.com-2026-06-01-[0-9a-f]{8}")  # the name it would use
        for d in (self.d1, self.d2):
            self.assertRegex(out, rf"{d}.*would-update")
        self.assertNotIn(self.d3, out)
        self.assertRegex(out, r"(?im)^old certificate old .*would-delete")
        r = self.rotate("--dry-run", "--json", "--replace", "old", "--delete-old", GOOD)
        self.assertEqual(r.rc, 0, r)
        doc = r.json()
        self.assertEqual(doc["upload"]["status"], "dry-run")
        self.assertEqual(sorted(x["Id"] for x in doc["Distributions"]), sorted([self.d1, self.d2]))
        self.assertTrue(all(x["status"] == "would-update" for x in doc["Distributions"]))
        self.assertTrue(all(x["PreviousIAMCertificateId"] == self.old["ServerCertificateId"] for x in doc["Distributions"]))
        self.assertEqual(doc["delete_old"]["status"], "would-delete")
        self.assertEqual(iam_names(self.emu), names)

    def test_bundle_failing_its_checks_sends_nothing(self):
        seq = self.emu.last_seq()
        for bundle, code in (("bundle-wrong-key.pem", 1), ("bundle-expired.pem", 1), ("garbage.bin", 3)):
            r = self.rotate("--json", "--replace", "old", "--delete-old", fixture(bundle))
            self.assertEqual(r.rc, code, r)
            self.assertEqual(r.json()["libcert"]["stage"], "check")
        self.assertEqual(self.emu.log(since=seq), [])

    def test_uncovered_distribution_changes_nothing_and_keeps_old(self):
        # old2 is used by d4 (blog.example.com, which the new leaf does not cover) and d5.
        leaf, key, chain = make_bundle(os.path.join(self.tmp, "old2.pem"), ["blog.example.com", "www.example.com"],
                                       not_after=datetime.datetime(2026, 3, 1, tzinfo=UTC))
        old2 = self.emu.upload_certificate("old2", leaf, key, chain)
        d4 = self.emu.create_distribution(aliases=["blog.example.com"], viewer_certificate=old2["ServerCertificateId"])["Id"]
        d5 = self.emu.create_distribution(aliases=[], viewer_certificate=old2["ServerCertificateId"])["Id"]
        etags = {d: cf_etag(self.emu, d) for d in (self.d1, self.d2, d4, d5)}
        r = self.rotate("--json", "--replace", "old2", "--delete-old", GOOD)
        self.assertEqual(r.rc, 1, r)
        doc = r.json()
        by_id = {x["Id"]: x for x in doc["Distributions"]}
        self.assertEqual(set(by_id), {d4, d5})
        self.assertEqual(by_id[d4]["status"], "refused")
        self.assertNotEqual(by_id[d5]["status"], "updated")
        for d, etag in etags.items():
            self.assertEqual(cf_etag(self.emu, d), etag, d)
        self.assertEqual(self.emu.count("UpdateDistribution"), 0)
        self.assertEqual(self.emu.count("DeleteServerCertificate"), 0)
        self.assertIn("old2", iam_names(self.emu))
        self.assertNotEqual(doc["delete_old"]["status"], "deleted")


class CertrotateConfirmAndVerify(RotateCase):

    EMU = dict(deploy_delay=0)

    def test_not_confirmed_when_changed_back_meanwhile(self):
        # While certrotate waits for Deployed, someone puts d1 back on old: the confirmation
        # read must see it, the run must fail, and old must not be deleted.
        # (held until released: the change is made first on any machine)
        self.emu.add_fault(service="cloudfront", action="GetDistribution", fault="stall", then="answer", ms=60000,
                           hold=True, count=1)
        result = {}
        t = threading.Thread(target=lambda: result.setdefault(
            "r", self.rotate("--json", "--jobs", "1", "--replace", "old", "--delete-old", GOOD)))
        t.start()
        try:
            wait_until(lambda: self.emu.faults_active() == [], 30, 0.02, "certrotate's GetDistribution")
            status, body = cf_set_iam_cert(self.emu, self.d1, self.old["ServerCertificateId"])
            self.assertEqual(status, 200, body)
        finally:
            self.emu.release()
            t.join(120)
        r = result["r"]
        self.assertNotEqual(r.rc, 0, r)
        doc = r.json()
        by_id = {x["Id"]: x for x in doc["Distributions"]}
        self.assertFalse(by_id[self.d1]["confirmed"], doc)
        self.assertTrue(by_id[self.d2]["confirmed"], doc)
        self.assertEqual(doc["libcert"]["stage"], "confirm")
        self.assertNotEqual(doc["delete_old"]["status"], "deleted")
        self.assertIn("old", iam_names(self.emu))
        self.assertEqual(self.emu.count("DeleteServerCertificate"), 0)

    def serve(self, cert_pem, key_pem, chain_path=fixture("chain.pem")):
        """openssl s_server on a free loopback port serving cert (and chain); its port."""
        cert = os.path.join(self.tmp, f"srv-{time.monotonic_ns()}.pem")
        key = cert + ".key"
        with open(cert, "w") as f:
            f.write(cert_pem)
        with open(key, "w") as f:
            f.write(key_pem)
        port = free_port()
        p = subprocess.Popen(["openssl", "s_server", "-accept", f"127.0.0.1:{port}", "-cert", cert, "-key", key,
                              "-cert_chain", chain_path, "-quiet"],
                             stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        self.addCleanup(lambda: (p.kill(), p.wait()))

        def listening():
            try:
                socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
                return True
            except OSError:
                return False
        wait_until(listening, 10, 0.05, "openssl s_server")
        return port

    def test_fresh_upload_not_yet_visible_to_cloudfront(self):
        # IAM's eventual consistency: CloudFront answers InvalidViewerCertificate for the
        # certificate this run uploaded for a while; certrotate retries and finishes.
        self.emu.set_config(consistency_delay=2)
        r = self.rotate("-v", "--json", "--replace", "old", "--delete-old", GOOD)
        new_id = self.cert_id(self.new_names()[0])
        self.assertEqual({d: self.iam_id(d) for d in (self.d1, self.d2)}, {self.d1: new_id, self.d2: new_id}, r)
        self.assertEqual(r.rc, 0, r)
        doc = r.json()
        self.assertTrue(all(x["status"] == "updated" and x["confirmed"] for x in doc["Distributions"]), doc)
        self.assertIn(400, [e["status"] for e in self.emu.log(action="UpdateDistribution")])
        self.assertRegex(r.err, r"(?i)(retry|again)")
        self.assertGone("old")

    def test_verify_live_serving_the_new_leaf(self):
        port = self.serve(read(fixture("leaf-rsa2048.pem")), read(fixture("leaf-rsa2048.key")))
        r = self.rotate("--json", "--verify-live", "--connect", f"127.0.0.1:{port}", "--replace", "old",
                        "--delete-old", GOOD)
        self.assertEqual(r.rc, 0, r)
        doc = r.json()
        live = doc["verify_live"]
        self.assertEqual(sorted((x["Id"], x["alias"]) for x in live),
                         sorted([(self.d1, "www.example.com"), (self.d2, "example.com")]))
        self.assertTrue(all(x["ok"] for x in live), live)
        self.assertEqual(doc["delete_old"]["status"], "deleted")
        self.assertGone("old")

    def test_verify_live_serving_the_old_leaf_fails_and_keeps_old(self):
        port = self.serve(self.old_leaf, self.old_key)
        r = self.rotate("--json", "--verify-live", "--connect", f"127.0.0.1:{port}", "--replace", "old",
                        "--delete-old", GOOD)
        self.assertNotEqual(r.rc, 0, r)
        doc = r.json()
        self.assertEqual(doc["libcert"]["stage"], "verify-live")
        self.assertTrue(doc["verify_live"])
        self.assertFalse(any(x["ok"] for x in doc["verify_live"]), doc["verify_live"])
        # The distributions were moved (and confirmed), but old is not deleted while the edge
        # still serves it.
        self.assertNotEqual(doc["delete_old"]["status"], "deleted")
        self.assertIn("old", iam_names(self.emu))
        self.assertEqual(self.emu.count("DeleteServerCertificate"), 0)

    def test_verify_live_nothing_listening(self):
        port = free_port()
        r = self.rotate("--json", "--verify-live", "--connect", f"127.0.0.1:{port}", "--replace", "old", GOOD)
        self.assertNotEqual(r.rc, 0, r)
        self.assertFalse(any(x["ok"] for x in r.json()["verify_live"]))

    def test_connect_needs_verify_live(self):
        r = self.rotate("--connect", "127.0.0.1:1", "--replace", "old", GOOD)
        self.assertEqual(r.rc, 2, r)


if __name__ == "__main__":
    main()
