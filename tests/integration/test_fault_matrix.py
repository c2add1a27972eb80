#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
"""The fault matrix (#11): every AWS action libcert makes x every way an answer can go wrong,
with the exit code and the end state each must give, and a rerun without faults that converges.

For each action one tool that makes it (ACTIONS; an action made by two workflows has a row for
each), run against the emulator (IAM, CloudFront, STS, ACM, Route 53) or credsrv.py (the SSO
portal, IMDS) with one fault rule (FAULTS) that lasts for the whole run unless the fault says
otherwise:

  500, 503, throttling   an error answer (IAM/CloudFront: InternalFailure, ServiceUnavailable,
                         Throttling 400; credsrv: 500, 503, 429)
  reset                  TCP RST, no answer
  stall                  no answer for 2.5 s with --timeout 1
  truncate               a Content-Length longer than what comes
  invalid                a whole 200 answer that is not XML (credsrv, ACM: not JSON)
  lost                   writes: the write happens, every answer to it is lost (RST)
  lost-once              writes: the same, for the first answer only
  412                    UpdateDistribution: PreconditionFailed once (someone else's change)

Expected, from the design's exit-code contract (README, design.md "Exit codes"): a retryable
failure still failing after the last attempt, a malformed or truncated answer, and a change
whose outcome is unknown are 5; the faulted action was retried (requested at least twice, with
AWS_MAX_ATTEMPTS=2); nothing was changed by a run that failed before its write; a lost answer
after a write leaves the write done (the state the fault-free run leaves); a single lost answer
or a single 412 is resolved by the tool (exit 0, the fault-free state). Then the faults are
cleared and the same command runs again: exit 0, and the end state is the fault-free run's.

KNOWN lists the rows where today's libcert differs from the contract, with the issue #11
defect that fixes it: such a row is an expected failure (reported, not failing the test); once
it passes, the test fails and asks for the mark to be removed. Rows: 28 actions, 218 rows (7 to 10 faults
each); about 2 minutes here (LIBCERT_RETRY_BASE_MS=20, --timeout 1).

ACM's new import is the one write with no natural guard against a second request (ImportCertificate
has no idempotency token, and ACM has no name to conflict on): its lost answer is not resent, the
import is looked for instead (exit 0 when it is there, never a second import). The end state
counts ACM certificates by leaf, so an orphan import shows.
"""

import json
import os
import shutil
import sys
import time
import unittest
import urllib.request

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from lib import AT, EmuTestCase, fixture, main, read, run, tool_path, upload_fixture  # noqa: E402

PAST = "2024-06-01T00:00:00Z"  # leaf-expired is valid then (tests/fixtures)
ATTEMPTS = 2
STALL_MS = 2500  # past --timeout 1
ERRORS = ("500", "503", "throttling")
RETRYABLE = ERRORS + ("reset", "stall", "truncate", "invalid")

# The emulator's fault rules (tests/emulator/README.md, "Fault rules").
EMU_FAULTS = {
    "500": dict(fault="status", status=500),
    "503": dict(fault="status", status=503),
    "throttling": dict(fault="status", status=400, code="Throttling", message="Rate exceeded"),
    "reset": dict(fault="reset"),
    "stall": dict(fault="stall", ms=STALL_MS),
    "truncate": dict(fault="truncate"),
    "invalid": dict(fault="invalid"),
    "lost": dict(fault="after", then="reset"),
    "lost-once": dict(fault="after", then="reset", count=1),
    "412": dict(fault="status", status=412, code="PreconditionFailed",
                message="The request failed because it didn't meet the preconditions in one or more "
                        "request-header fields.", count=1),
}
# credsrv.py's (its README section): throttling there is 429.
CRED_FAULTS = {
    "500": dict(fault="status", status=500),
    "503": dict(fault="status", status=503),
    "throttling": dict(fault="status", status=429),
    "reset": dict(fault="reset"),
    "stall": dict(fault="stall", ms=STALL_MS),
    "truncate": dict(fault="truncate"),
    "invalid": dict(fault="invalid"),
}

# Rows where today's libcert breaks the contract, each with the defect that fixes it. An expected
# failure until then; a row here that passes fails the test ("remove the mark"). Empty since #11's
# fixes landed, with the two rows this matrix found (SSO's 429 not retried; certprune's retried
# DeleteServerCertificate meeting its own deletion), and the two the ACM and Route 53 rows found
# (a lost ImportCertificate answer resent, also by libcurl on a reused connection, leaving an
# orphan import; a GetHealthCheckStatus that failed exiting 0).
KNOWN: dict = {}


class Action:
    """One AWS action: which tool makes it, from which state, and what the fault-free run leaves.

    service/action: the emulator's names (or credsrv's endpoint for service "cred"); write: the
    action changes AWS (lost answers apply); argv(case): the tool's command line; setup(case):
    the state before (returns nothing; case.ids holds names -> ids); env(case): extra environment.
    changes, failed_state: below.
    """

    def __init__(self, service, action, tool, args, write=False, setup=None, env=None, faults=None,
                 changes=None, failed_state="before"):
        self.service, self.action, self.tool, self.args = service, action, tool, args
        self.write, self.setup, self.env = write, setup, env
        self.faults = faults or (RETRYABLE + (("lost", "lost-once") if write else ()))
        # whether the tool's fault-free run changes AWS (a read inside a writing workflow does)
        self.changes = write if changes is None else changes
        # the state a run that failed at this action leaves: "before" any change, or "after"
        # (the action comes once the change is made: GetDistribution waits for Deployed), or a
        # function of the fault-free run's (before, after) states
        self.failed_state = failed_state


def last_lines(text, n=3):
    """The end of a tool's stderr, for a row's problem (a sanitizer's report is longer: its
    stack is what to read)."""
    lines = text.strip().splitlines()
    if any("Sanitizer" in line for line in lines):
        n = 40
    return " | ".join(lines[-n:])[:4000]


def base_state(case):
    """fm-old in IAM, served by one distribution (aliases www.example.com); fm-new uploaded when
    the action needs it."""
    case.ids["fm-old"] = upload_fixture(case.emu, "fm-old", "rsa2048")["ServerCertificateId"]
    case.dist = case.emu.create_distribution(aliases=["www.example.com"],
                                             viewer_certificate=case.ids["fm-old"])["Id"]


def with_new(case):
    base_state(case)
    case.ids["fm-new"] = upload_fixture(case.emu, "fm-new", "p256")["ServerCertificateId"]


def with_expired(case):
    base_state(case)
    case.set_cert_clock(PAST)
    case.ids["fm-expired"] = upload_fixture(case.emu, "fm-expired", "expired")["ServerCertificateId"]
    case.set_cert_clock(AT)


def role_profile(case):
    cfg = case.write("config", "[profile fm-role]\nrole_arn = arn:aws:iam::123456789012:role/fm\n"
                     "source_profile = fm-base\n[profile fm-base]\nregion = us-east-1\n")
    creds = case.write("credentials", "[fm-base]\naws_access_key_id = AKIDFAULTMATRIX\n"
                       "aws_secret_access_key = fault-matrix-secret\n")
    return dict(AWS_CONFIG_FILE=cfg, AWS_SHARED_CREDENTIALS_FILE=creds, AWS_PROFILE="fm-role",
                AWS_ENDPOINT_URL_STS=case.emu.endpoint, AWS_ACCESS_KEY_ID=None, AWS_SECRET_ACCESS_KEY=None)


def sso_profile(case):
    cfg = case.write("config", "[profile fm-sso]\nsso_session = corp\nsso_account_id = 123456789012\n"
                     "sso_role_name = libcert-test-role\n[sso-session corp]\n"
                     "sso_start_url = https://corp.awsapps.com/start\nsso_region = us-east-1\n")
    cache = os.path.join(case.home, ".aws", "sso", "cache")
    os.makedirs(cache, exist_ok=True)
    with open(os.path.join(cache, "ee0bfd2552fbd840c02cc48b6e823320543c450f.json"), "w") as f:
        json.dump({"startUrl": "https://corp.awsapps.com/start", "region": "us-east-1",
                   "accessToken": "sso-access-token", "expiresAt": "2099-01-01T00:00:00Z"}, f)
    return dict(AWS_CONFIG_FILE=cfg, AWS_PROFILE="fm-sso", AWS_ENDPOINT_URL_SSO=case.cred_url,
                AWS_ACCESS_KEY_ID=None, AWS_SECRET_ACCESS_KEY=None)


def imds(case):
    return dict(AWS_ACCESS_KEY_ID=None, AWS_SECRET_ACCESS_KEY=None, AWS_EC2_METADATA_DISABLED=None,
                AWS_EC2_METADATA_SERVICE_ENDPOINT=case.cred_url + "/",
                # the SDKs ask IMDS once by default; two attempts, as for the services
                AWS_METADATA_SERVICE_NUM_ATTEMPTS=str(ATTEMPTS),
                AWS_CONFIG_FILE=os.path.join(case.home, "none"),
                AWS_SHARED_CREDENTIALS_FILE=os.path.join(case.home, "none"))


def acm_import(case, label, leaf):
    """Import fixture leaf-LEAF.pem with its key and chain into ACM (boto3); case.ids[label] is
    its ARN."""
    case.ids[label] = case.emu.import_certificate(read(fixture(f"leaf-{leaf}.pem")),
                                                  read(fixture(f"leaf-{leaf}.key")),
                                                  read(fixture("chain.pem")))


def acm_base(case):
    """fm-acm-old in ACM, served by one distribution (aliases www.example.com)."""
    acm_import(case, "fm-acm-old", "rsa2048")
    case.dist = case.emu.create_distribution(aliases=["www.example.com"],
                                             viewer_certificate=case.ids["fm-acm-old"])["Id"]


def acm_with_new(case):
    acm_base(case)
    acm_import(case, "fm-acm-new", "p256")


def acm_with_expired(case):
    acm_base(case)
    case.set_cert_clock(PAST)
    acm_import(case, "fm-acm-expired", "expired")
    case.set_cert_clock(AT)


def r53_state(case):
    """base_state, and the account's zone example.com whose www record (weighted, the only one of
    its set, with a health check) is an alias to the distribution: certcheck --dns reads the
    zones, the records and the health check's status."""
    base_state(case)
    domain = case.emu.client("cloudfront").get_distribution(Id=case.dist)["Distribution"]["DomainName"]
    zone = case.emu.create_zone("example.com")
    hc = case.emu.create_health_check()
    case.emu.add_records(zone, {"Name": "www.example.com", "Type": "A", "SetIdentifier": "only", "Weight": 100,
                                "HealthCheckId": hc,
                                "AliasTarget": {"HostedZoneId": "Z2FDTNDATAQYW2", "DNSName": domain,
                                                "EvaluateTargetHealth": False}})


def kept(state, label):
    """state, with the ACM certificate `label` still there (a rotation whose --delete-old failed:
    the distribution moved, the old certificate stays)."""
    return dict(state, acm=sorted(state["acm"] + [label]))


CHECK = ("--at", AT, "--ca-file", fixture("root.pem"))
ACM_ROTATE = ("--store", "acm", "--alias", "www.example.com", "--delete-old", fixture("bundle-p256.pem"))
ACTIONS = {
    "UploadServerCertificate": Action("iam", "UploadServerCertificate", "certup",
                                      lambda c: [*CHECK, "--name", "fm-up", fixture("bundle-good.pem")],
                                      write=True, setup=base_state),
    "GetServerCertificate": Action("iam", "GetServerCertificate", "certcheck",
                                   lambda c: [*CHECK, "--iam", "fm-old"], setup=base_state),
    "ListServerCertificates": Action("iam", "ListServerCertificates", "certls", lambda c: [],
                                     setup=base_state),
    "GetAccountSummary": Action("iam", "GetAccountSummary", "certls", lambda c: [], setup=base_state),
    "DeleteServerCertificate": Action("iam", "DeleteServerCertificate", "certprune",
                                      lambda c: ["--yes"], write=True, setup=with_expired),
    "TagServerCertificate": Action("iam", "TagServerCertificate", "certrotate",
                                   lambda c: [*CHECK, "--name", "fm-new", "--alias", "www.example.com",
                                              "--delete-old", fixture("bundle-p256.pem")],
                                   write=True, setup=with_new),
    "ListServerCertificateTags": Action("iam", "ListServerCertificateTags", "certrotate",
                                        lambda c: [*CHECK, "--name", "fm-new", "--alias", "www.example.com",
                                                   "--delete-old", fixture("bundle-p256.pem")],
                                        setup=with_new, changes=True),
    "GetDistributionConfig": Action("cloudfront", "GetDistributionConfig", "certcheck",
                                    lambda c: [*CHECK, "--distribution", c.dist], setup=base_state),
    "UpdateDistribution": Action("cloudfront", "UpdateDistribution", "certattach",
                                 lambda c: [*CHECK, "--cert", "fm-new", c.dist], write=True, setup=with_new,
                                 faults=RETRYABLE + ("lost", "lost-once", "412")),
    "GetDistribution": Action("cloudfront", "GetDistribution", "certattach",
                              lambda c: [*CHECK, "--cert", "fm-new", "--wait", "--wait-timeout", "4", c.dist],
                              setup=with_new,
                              changes=True, failed_state="after"),
    "ListDistributions": Action("cloudfront", "ListDistributions", "certls", lambda c: ["--in-use"],
                                setup=base_state),
    "AssumeRole": Action("sts", "AssumeRole", "certls", lambda c: [], setup=base_state, env=role_profile),
    "GetRoleCredentials": Action("cred", "sso", "certls", lambda c: [], setup=base_state, env=sso_profile),
    "IMDS": Action("cred", "imds", "certls", lambda c: [], setup=base_state, env=imds),
    # ACM (issue #13): the store's reads and writes, each from a tool that makes it
    "ACM_ListCertificates": Action("acm", "ListCertificates", "certls", lambda c: ["--store", "acm"],
                                   setup=acm_base),
    "ACM_DescribeCertificate": Action("acm", "DescribeCertificate", "certcheck",
                                      lambda c: [*CHECK, "--acm", c.ids["fm-acm-old"]], setup=acm_base),
    "ACM_GetCertificate": Action("acm", "GetCertificate", "certcheck",
                                 lambda c: [*CHECK, "--acm", c.ids["fm-acm-old"]], setup=acm_base),
    "ACM_ImportCertificate": Action("acm", "ImportCertificate", "certup",
                                    lambda c: [*CHECK, "--store", "acm", fixture("bundle-p256.pem")],
                                    write=True, setup=acm_base),
    "ACM_DeleteCertificate": Action("acm", "DeleteCertificate", "certprune", lambda c: ["--store", "acm", "--yes"],
                                    write=True, setup=acm_with_expired),
    "ACM_DescribeCertificate_certattach": Action("acm", "DescribeCertificate", "certattach",
                                                 lambda c: [*CHECK, "--cert", c.ids["fm-acm-new"], c.dist],
                                                 setup=acm_with_new, changes=True),
    "ACM_UpdateDistribution": Action("cloudfront", "UpdateDistribution", "certattach",
                                     lambda c: [*CHECK, "--cert", c.ids["fm-acm-new"], c.dist], write=True,
                                     setup=acm_with_new, faults=RETRYABLE + ("lost", "lost-once", "412")),
    "ACM_ImportCertificate_certrotate": Action("acm", "ImportCertificate", "certrotate",
                                               lambda c: [*CHECK, *ACM_ROTATE], write=True, setup=acm_base),
    "ACM_DeleteCertificate_certrotate": Action("acm", "DeleteCertificate", "certrotate",
                                               lambda c: [*CHECK, *ACM_ROTATE], write=True, setup=acm_with_new,
                                               failed_state=lambda before, after: kept(after, "fm-acm-old")),
    "ACM_ListTagsForCertificate": Action("acm", "ListTagsForCertificate", "certrotate",
                                         lambda c: [*CHECK, *ACM_ROTATE], setup=acm_with_new, changes=True),
    "ACM_AddTagsToCertificate": Action("acm", "AddTagsToCertificate", "certrotate",
                                       lambda c: [*CHECK, *ACM_ROTATE], write=True, setup=acm_with_new),
    # Route 53 (issue #14): certcheck --distribution --dns
    "R53_ListHostedZonesByName": Action("route53", "ListHostedZonesByName", "certcheck",
                                        lambda c: [*CHECK, "--distribution", c.dist, "--dns"], setup=r53_state),
    "R53_ListResourceRecordSets": Action("route53", "ListResourceRecordSets", "certcheck",
                                         lambda c: [*CHECK, "--distribution", c.dist, "--dns"], setup=r53_state),
    "R53_GetHealthCheckStatus": Action("route53", "GetHealthCheckStatus", "certcheck",
                                       lambda c: [*CHECK, "--distribution", c.dist, "--dns"], setup=r53_state),
}


class FaultMatrix(EmuTestCase):
    EMU = dict(deploy_delay=0)

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.cred_dir = os.path.join(cls.home, "credsrv")
        os.makedirs(cls.cred_dir)
        port_file = os.path.join(cls.cred_dir, "port")
        import subprocess

        cls.cred = subprocess.Popen([sys.executable, os.path.join(os.path.dirname(os.path.dirname(
            os.path.abspath(__file__))), "emulator", "credsrv.py"), "--port", "0", "--port-file", port_file],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        for _ in range(500):
            if os.path.exists(port_file):
                break
            time.sleep(0.02)
        with open(port_file) as f:
            cls.cred_url = f"http://127.0.0.1:{int(f.read())}"

    @classmethod
    def tearDownClass(cls):
        cls.cred.terminate()
        cls.cred.wait(10)
        super().tearDownClass()

    def cred_control(self, method, path, obj=None):
        req = urllib.request.Request(self.cred_url + path, method=method,
                                     data=json.dumps(obj).encode() if obj is not None else None)
        with urllib.request.urlopen(req, timeout=10) as r:
            return json.loads(r.read())

    def cred_count(self, endpoint):
        prefix = {"sso": "/federation/credentials", "imds": "/latest/meta-data/"}[endpoint]
        return sum(1 for e in self.cred_control("GET", "/_emu/log")["requests"] if e["path"].startswith(prefix))

    # -- one row ----------------------------------------------------------------------------------

    def fresh(self, act):
        self.emu.reset()
        self.cred_control("DELETE", "/_emu/faults")
        self.cred_control("DELETE", "/_emu/log")
        self.tmp = os.path.join(self.home, "row")
        shutil.rmtree(self.tmp, ignore_errors=True)
        os.makedirs(self.tmp)
        shutil.rmtree(os.path.join(self.home, ".aws"), ignore_errors=True)
        self.ids = {}
        self.dist = None
        act.setup(self)
        extra = act.env(self) if act.env else {}
        return self.env(AWS_MAX_ATTEMPTS=str(ATTEMPTS), LIBCERT_WAIT_SCALE="0.01", **extra)

    def state(self):
        """What AWS holds, by name: certificates (name, path), ACM certificates (the setup's by its
        label, the others as "imported" with the leaf's serial: two imports of one leaf are two)
        and the distribution's certificate."""
        st = self.emu.state()
        names = {c["ServerCertificateId"]: c["ServerCertificateName"] for c in st["server_certificates"]}
        labels = {arn: label for label, arn in self.ids.items()}
        for c in st["acm_certificates"]:
            names[c["CertificateArn"]] = labels.get(c["CertificateArn"], f"imported {c['Serial']}")
        certs = sorted((c["ServerCertificateName"], c["Path"]) for c in st["server_certificates"])
        acm = sorted(names[c["CertificateArn"]] for c in st["acm_certificates"])
        dists = sorted((d["Id"] == self.dist, names.get(d["IAMCertificateId"] or d["ACMCertificateArn"],
                                                        d["IAMCertificateId"] or d["ACMCertificateArn"]))
                       for d in st["distributions"])
        return {"certificates": certs, "acm": acm, "distributions": dists}

    def argv(self, act):
        return [tool_path(act.tool), "--timeout", "1", *act.args(self)]

    def requested(self, act):
        if act.service == "cred":
            return self.cred_count(act.action)
        return self.emu.count(act.action, service=act.service)

    def add_fault(self, act, fault):
        if act.service == "cred":
            self.cred_control("POST", "/_emu/faults", dict(CRED_FAULTS[fault], endpoint=act.action))
        else:
            self.emu.add_fault(service=act.service, action=act.action, **EMU_FAULTS[fault])

    def reference(self, act):
        """The fault-free run: its exit code must be 0; its end state is the one to converge to."""
        env = self.fresh(act)
        before = self.state()
        r = run(self.argv(act), env, timeout=120)
        self.assertEqual(r.rc, 0, f"{act.action}: the fault-free run failed{r!r}")
        self.assertGreater(self.requested(act), 0, f"{act.tool} did not make {act.action}{r!r}")
        after = self.state()
        if act.changes:
            self.assertNotEqual(before, after, f"{act.action}: the fault-free run changed nothing")
        else:
            self.assertEqual(before, after, f"{act.action}: a read changed AWS")
        return before, after

    def expect(self, act, fault):
        """(exit code, which end state: 'before' or 'after')."""
        if fault in ("lost-once", "412"):
            return 0, "after"  # the tool's retry meets its own write (or re-reads) and goes on
        if fault == "lost" and act.action == "UpdateDistribution":
            # #11 defect 1: an update whose answers are all lost is read back; it holds the new
            # certificate, so the outcome is known and what was asked
            return 0, "after"
        if fault == "lost" and act.action == "ImportCertificate":
            # a new import is not idempotent, so a lost answer is not resent (a second import
            # would be an orphan): libcert looks for it (ListCertificates, GetCertificate),
            # finds it, and the outcome is known
            return 0, "after"
        if fault == "lost" and act.action in ("TagServerCertificate", "AddTagsToCertificate"):
            # the tag is certrotate --delete-old's record of what it replaces: without an answer
            # it stops before any change (rotate.c stage_upload), outcome of the tag unknown
            return 5, "before"
        if fault == "lost":
            return 5, "after"  # the write happened; the tool cannot know: outcome unknown
        return 5, act.failed_state

    def row(self, act, fault, ref_before, ref_after):
        """The problems of one row ([] when it holds)."""
        want_rc, want_state = self.expect(act, fault)
        env = self.fresh(act)
        self.add_fault(act, fault)
        r = run(self.argv(act), env, timeout=120)
        problems = []
        if r.rc != want_rc:
            problems.append(f"exit {r.rc}, want {want_rc}: {last_lines(r.err, 1)}")
        n = self.requested(act)
        if fault in RETRYABLE and n < ATTEMPTS:
            problems.append(f"{act.action} requested {n} time(s), want >= {ATTEMPTS} (retried)")
        if callable(want_state):
            want = want_state(ref_before, ref_after)
        else:
            want = ref_after if want_state == "after" else ref_before
        got = self.state()
        if got != want:
            problems.append(f"end state {got}, want {want}")
        # the rerun without faults converges
        if act.service == "cred":
            self.cred_control("DELETE", "/_emu/faults")
        self.emu.clear_faults()
        r2 = run(self.argv(act), env, timeout=120)
        if r2.rc != 0:
            problems.append(f"rerun exit {r2.rc}: {last_lines(r2.err, 1)}")
        if self.state() != ref_after:
            problems.append(f"rerun end state {self.state()}, want {ref_after}")
        return problems

    def matrix(self, name):
        act = ACTIONS[name]
        ref_before, ref_after = self.reference(act)
        failures, known_failed, fixed, rows = [], [], [], []
        for fault in act.faults:
            t0 = time.monotonic()
            problems = self.row(act, fault, ref_before, ref_after)
            key = (name, fault)
            rows.append(f"  {name:26} {fault:11} {'ok' if not problems else 'FAIL'}"
                        f"{' (known)' if key in KNOWN else ''}  {time.monotonic() - t0:.1f} s")
            if problems and key in KNOWN:
                known_failed.append(f"{key}: {'; '.join(problems)}  [{KNOWN[key]}]")
            elif problems:
                failures.append(f"{key}: {'; '.join(problems)}")
            elif key in KNOWN:
                fixed.append(f"{key} passes now: remove it from KNOWN ({KNOWN[key]})")
        sys.stderr.write("\n" + "\n".join(rows) + "\n")
        for k in known_failed:
            sys.stderr.write(f"  expected failure {k}\n")
        self.assertEqual(failures + fixed, [])


def make_test(name):
    def test(self):
        self.matrix(name)
    test.__name__ = f"test_{name}"
    return test


for _name in ACTIONS:
    setattr(FaultMatrix, f"test_{_name}", make_test(_name))

if __name__ == "__main__":
    main()
