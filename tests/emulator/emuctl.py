# SPDX-License-Identifier: Apache-2.0
"""Drive the emulator from Python tests.

    from emuctl import Emulator
    with Emulator(deploy_delay=0) as emu:              # starts emulator.py on a free port
        iam = emu.client("iam")                       # boto3 client pointed at it
        emu.add_fault(service="iam", action="UploadServerCertificate", fault="status",
                      status=503, count=1)
        dist = emu.create_distribution(aliases=["www.example.com"], viewer_certificate=cert_id)
        assert [e["action"] for e in emu.log()] == [...]

Only the standard library is needed to start, stop and steer it; client() imports boto3 and
create_distribution() signs with botocore (both come with moto).
"""

import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
import uuid
from xml.sax.saxutils import escape

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import pins  # noqa: E402

# A moto or botocore other than the pinned one changes what the tests mean: stop here, saying so.
pins.check(os.path.basename(sys.argv[0]) or "emuctl")

HERE = os.path.dirname(os.path.abspath(__file__))
EMULATOR = os.path.join(HERE, "emulator.py")
CF_NS = "http://cloudfront.amazonaws.com/doc/2020-05-31/"

TEST_CREDENTIALS = {"AWS_ACCESS_KEY_ID": "testing", "AWS_SECRET_ACCESS_KEY": "testing"}


class EmulatorError(RuntimeError):
    pass


class Emulator:
    """One emulator process. Keyword arguments are its command-line flags:
    auth (None, or N unchecked actions), quota, latency_ms, deploy_delay, consistency_delay,
    faults (list of rule dicts), tls_cert/tls_key (paths), verbose."""

    def __init__(self, auth=None, quota=None, latency_ms=None, deploy_delay=None, consistency_delay=None,
                 faults=(), tls_cert=None, tls_key=None, verbose=False, start_timeout=30.0,
                 cert_clock=None):
        self.opts = dict(auth=auth, quota=quota, latency_ms=latency_ms, deploy_delay=deploy_delay,
                         consistency_delay=consistency_delay, tls_cert=tls_cert, tls_key=tls_key,
                         cert_clock=cert_clock)
        self.faults = list(faults)
        self.verbose = verbose
        self.start_timeout = start_timeout
        self.proc = None
        self.port = None
        self.startup_s = None
        self.credentials = dict(TEST_CREDENTIALS)
        self._dir = None

    # -- life cycle -----------------------------------------------------------------------------

    def args(self):
        a = [sys.executable, EMULATOR, "--port", "0", "--port-file", self.port_file]
        o = self.opts
        if o["auth"] is not None:
            a += ["--auth", str(o["auth"])]
        for flag, key in (("--quota", "quota"), ("--latency-ms", "latency_ms"),
                          ("--deploy-delay", "deploy_delay"), ("--consistency-delay", "consistency_delay"),
                          ("--tls-cert", "tls_cert"), ("--tls-key", "tls_key"),
                          ("--cert-clock", "cert_clock")):
            if o[key] is not None:
                a += [flag, str(o[key])]
        for f in self.faults:
            a += ["--fault", json.dumps(f)]
        if self.verbose:
            a.append("-v")
        return a

    def start(self):
        if self.proc is not None:
            return self
        self._dir = tempfile.mkdtemp(prefix="emu-")
        self.port_file = os.path.join(self._dir, "port")
        self._stderr = open(os.path.join(self._dir, "stderr"), "w+b")
        t0 = time.monotonic()
        self.proc = subprocess.Popen(self.args(), stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                                     stderr=self._stderr)
        deadline = t0 + self.start_timeout
        while time.monotonic() < deadline:
            if os.path.exists(self.port_file):
                with open(self.port_file) as f:
                    text = f.read().strip()
                if text:
                    self.port = int(text)
                    self.startup_s = time.monotonic() - t0
                    return self
            if self.proc.poll() is not None:
                break
            time.sleep(0.02)
        err = self.stderr_text()
        self.stop()
        raise EmulatorError(f"emulator did not start: {err.strip()[-2000:]}")

    def stop(self, timeout=10.0):
        if self.proc is not None:
            if self.proc.poll() is None:
                self.proc.terminate()
                try:
                    self.proc.wait(timeout)
                except subprocess.TimeoutExpired:
                    self.proc.kill()
                    self.proc.wait()
            self.returncode = self.proc.returncode
            self.proc = None
        if self._dir:
            self._stderr.close()
            shutil.rmtree(self._dir, ignore_errors=True)
            self._dir = None

    def stderr_text(self):
        try:
            self._stderr.flush()
            with open(self._stderr.name, "rb") as f:
                return f.read().decode("utf-8", "replace")
        except (OSError, ValueError):
            return ""

    def __enter__(self):
        return self.start()

    def __exit__(self, *exc):
        self.stop()

    # -- where it is ----------------------------------------------------------------------------

    @property
    def scheme(self):
        return "https" if self.opts["tls_cert"] else "http"

    @property
    def endpoint(self):
        return f"{self.scheme}://127.0.0.1:{self.port}"

    def env(self, **extra):
        """Environment for a child process (AWS CLI, libcert tools) talking to this emulator."""
        e = dict(os.environ)
        e.update(self.credentials)
        e.update(AWS_DEFAULT_REGION="us-east-1", AWS_REGION="us-east-1", AWS_ENDPOINT_URL=self.endpoint,
                 AWS_EC2_METADATA_DISABLED="true")
        if "AWS_SESSION_TOKEN" not in self.credentials:
            e.pop("AWS_SESSION_TOKEN", None)
        e.update(extra)
        return e

    def client(self, service, **kw):
        import boto3
        from botocore.config import Config

        args = dict(endpoint_url=self.endpoint, region_name="us-east-1",
                    aws_access_key_id=self.credentials["AWS_ACCESS_KEY_ID"],
                    aws_secret_access_key=self.credentials["AWS_SECRET_ACCESS_KEY"],
                    aws_session_token=self.credentials.get("AWS_SESSION_TOKEN"),
                    config=Config(retries={"total_max_attempts": 1, "mode": "standard"}))
        if self.scheme == "https":
            args["verify"] = self.opts["tls_cert"]
        args.update(kw)
        return boto3.client(service, **args)

    # -- control API ----------------------------------------------------------------------------

    def control(self, method, path, obj=None):
        data = json.dumps(obj).encode() if obj is not None else None
        req = urllib.request.Request(self.endpoint + path, data=data, method=method,
                                     headers={"Content-Type": "application/json"})
        ctx = None
        if self.scheme == "https":
            import ssl

            ctx = ssl.create_default_context(cafile=self.opts["tls_cert"])
        try:
            with urllib.request.urlopen(req, timeout=30, context=ctx) as r:
                return json.loads(r.read())
        except urllib.error.HTTPError as e:
            raise EmulatorError(f"{method} {path}: {e.code} {e.read().decode(errors='replace')}")

    def add_fault(self, **rule):
        """One fault rule, e.g. add_fault(service="iam", action="UploadServerCertificate",
        fault="after", count=1). Returns the rule as stored (with its id)."""
        return self.control("POST", "/_emu/faults", rule)["added"][0]

    def add_faults(self, rules):
        return self.control("POST", "/_emu/faults", {"rules": list(rules)})["added"]

    def clear_faults(self):
        return self.control("DELETE", "/_emu/faults")

    def faults_active(self):
        return self.control("GET", "/_emu/faults")["rules"]

    def release(self):
        """End every held stall (a rule with hold=True); how many were held."""
        return self.control("POST", "/_emu/release")["released"]

    def set_config(self, **knobs):
        """latency_ms, quota, deploy_delay, consistency_delay."""
        return self.control("POST", "/_emu/config", knobs)

    def config(self):
        return self.control("GET", "/_emu/config")

    def log(self, since=0, service=None, action=None):
        entries = self.control("GET", f"/_emu/log?since={since}")["requests"]
        return [e for e in entries if (service is None or e["service"] == service)
                and (action is None or e["action"] == action)]

    def count(self, action, service=None):
        return len(self.log(service=service, action=action))

    def clear_log(self):
        return self.control("DELETE", "/_emu/log")

    def reset(self):
        return self.control("POST", "/_emu/reset")

    def deploy(self, dist_id=None):
        """Make distributions (all, or one) Deployed now instead of after the deploy delay."""
        return self.control("POST", "/_emu/deploy", {"Id": dist_id} if dist_id else {})

    def state(self):
        return self.control("GET", "/_emu/state")

    def set_upload_date(self, name, when):
        """Set a server certificate's UploadDate (a datetime with a zone, or ISO 8601 text)."""
        if not isinstance(when, str):
            when = when.isoformat()
        return self.control("POST", "/_emu/upload-date", {"ServerCertificateName": name, "UploadDate": when})

    def set_health_check_status(self, health_check_id, statuses):
        """What Route 53's checkers report for a health check from now on (GetHealthCheckStatus):
        one observation per status text, e.g. ["Success: HTTP Status Code 200, OK",
        "Failure: Connection timed out."]."""
        return self.control("POST", "/_emu/health-check-status",
                            {"HealthCheckId": health_check_id, "Statuses": list(statuses)})

    def enable_auth(self, user="libcert-test", policy_actions="*"):
        """Turn signature checking on the moto way: POST /moto-api/reset-auth with 3 lets the next
        three actions through unchecked (CreateUser, CreateAccessKey, PutUserPolicy here), every
        later request needs a valid SigV4 signature from a key moto's IAM knows and a policy that
        allows the action. Works whether or not the emulator was started with --auth. This
        object's credentials become the new key; returns (access_key_id, secret)."""
        self.control_raw("POST", "/moto-api/reset-auth", b"3")
        iam = self.client("iam")
        iam.create_user(UserName=user)
        key = iam.create_access_key(UserName=user)["AccessKey"]
        iam.put_user_policy(UserName=user, PolicyName="all", PolicyDocument=json.dumps(
            {"Version": "2012-10-17",
             "Statement": [{"Effect": "Allow", "Action": policy_actions, "Resource": "*"}]}))
        self.credentials = {"AWS_ACCESS_KEY_ID": key["AccessKeyId"], "AWS_SECRET_ACCESS_KEY": key["SecretAccessKey"]}
        return key["AccessKeyId"], key["SecretAccessKey"]

    def control_raw(self, method, path, body=b""):
        # text/plain: with a form content type werkzeug eats the body and moto's reset-auth
        # reads an empty string.
        req = urllib.request.Request(self.endpoint + path, data=body, method=method,
                                     headers={"Content-Type": "text/plain"})
        with urllib.request.urlopen(req, timeout=30) as r:
            return r.read()

    # -- AWS helpers ----------------------------------------------------------------------------

    def upload_certificate(self, name, cert_pem, key_pem, chain_pem=None, path="/cloudfront/", tags=None):
        kw = dict(ServerCertificateName=name, CertificateBody=cert_pem, PrivateKey=key_pem, Path=path)
        if chain_pem:
            kw["CertificateChain"] = chain_pem
        if tags:
            kw["Tags"] = [{"Key": k, "Value": v} for k, v in tags.items()]
        return self.client("iam").upload_server_certificate(**kw)["ServerCertificateMetadata"]

    def import_certificate(self, cert_pem, key_pem, chain_pem=None, arn=None, tags=None,
                           region="us-east-1"):
        """ACM ImportCertificate (boto3) into region; re-import into arn when given. Returns the
        ARN."""
        kw = dict(Certificate=cert_pem.encode(), PrivateKey=key_pem.encode())
        if chain_pem:
            kw["CertificateChain"] = chain_pem.encode()
        if arn:
            kw["CertificateArn"] = arn
        if tags:
            kw["Tags"] = [{"Key": k, "Value": v} for k, v in tags.items()]
        return self.client("acm", region_name=region).import_certificate(**kw)["CertificateArn"]

    def request_certificate(self, domain, sans=(), region="us-east-1"):
        """ACM RequestCertificate: an ACM-issued (AMAZON_ISSUED) certificate, ISSUED at once in
        the emulator. Returns the ARN."""
        kw = dict(DomainName=domain)
        if sans:
            kw["SubjectAlternativeNames"] = list(sans)
        return self.client("acm", region_name=region).request_certificate(**kw)["CertificateArn"]

    def set_acm_in_use(self, arn, users):
        """Resources besides the distributions that use an ACM certificate (its InUseBy)."""
        return self.control("POST", "/_emu/acm-in-use", {"CertificateArn": arn, "InUseBy": list(users)})

    def signed_request(self, method, path, body=b"", headers=None, service="cloudfront"):
        """Send a raw request signed with SigV4 (botocore's signer), e.g. a DistributionConfig
        document with elements botocore's model does not know. Returns (status, headers, body)."""
        from botocore.auth import SigV4Auth
        from botocore.awsrequest import AWSRequest
        from botocore.credentials import Credentials

        url = self.endpoint + path
        aws_req = AWSRequest(method=method, url=url, data=body, headers=dict(headers or {}))
        creds = Credentials(self.credentials["AWS_ACCESS_KEY_ID"], self.credentials["AWS_SECRET_ACCESS_KEY"],
                            self.credentials.get("AWS_SESSION_TOKEN"))
        SigV4Auth(creds, service, "us-east-1").add_auth(aws_req)
        req = urllib.request.Request(url, data=body if body else None, method=method,
                                     headers=dict(aws_req.headers.items()))
        ctx = None
        if self.scheme == "https":
            import ssl

            ctx = ssl.create_default_context(cafile=self.opts["tls_cert"])
        try:
            with urllib.request.urlopen(req, timeout=30, context=ctx) as r:
                return r.status, dict(r.headers.items()), r.read()
        except urllib.error.HTTPError as e:
            return e.code, dict(e.headers.items()), e.read()

    def create_zone(self, name, private=False):
        """A Route 53 hosted zone (moto's CreateHostedZone); its bare Id ("Z...")."""
        kw = dict(Name=name, CallerReference=f"libcert-{time.monotonic_ns()}")
        if private:
            kw.update(HostedZoneConfig={"PrivateZone": True, "Comment": "private"},
                      VPC={"VPCRegion": "us-east-1", "VPCId": "vpc-12345678"})
        zone = self.client("route53").create_hosted_zone(**kw)["HostedZone"]
        return zone["Id"].rsplit("/", 1)[-1]

    def add_records(self, zone_id, *records):
        """CREATE each ResourceRecordSet (dicts as boto3 takes them) in one change batch."""
        changes = [{"Action": "CREATE", "ResourceRecordSet": r} for r in records]
        return self.client("route53").change_resource_record_sets(
            HostedZoneId=zone_id, ChangeBatch={"Changes": changes})

    def create_health_check(self, fqdn="origin.example.com"):
        """A Route 53 HTTPS health check (moto's CreateHealthCheck); its Id."""
        hc = self.client("route53").create_health_check(
            CallerReference=f"libcert-{time.monotonic_ns()}",
            HealthCheckConfig={"Type": "HTTPS", "FullyQualifiedDomainName": fqdn, "Port": 443,
                               "ResourcePath": "/"})["HealthCheck"]
        return hc["Id"]

    def create_distribution(self, aliases=(), viewer_certificate=None, caller_reference=None, enabled=True,
                            comment="libcert test distribution", extra_xml=None, deployed=True):
        """Create a distribution from a full, realistic DistributionConfig (see
        distribution_config_xml), sent as raw XML so every element reaches the emulator.
        viewer_certificate: None (CloudFront's default certificate), an IAM server certificate id,
        or a dict of ViewerCertificate elements. deployed=True makes it Deployed at once (tests
        start from a steady distribution); False leaves it InProgress for the deploy delay.
        Returns {"Id", "ARN", "DomainName", "ETag", "Status"}; raises EmulatorError on an error."""
        xml = distribution_config_xml(caller_reference=caller_reference, aliases=aliases,
                                      viewer_certificate=viewer_certificate, enabled=enabled, comment=comment,
                                      extra_xml=extra_xml)
        status, headers, body = self.signed_request(
            "POST", "/2020-05-31/distribution", xml.encode("utf-8"), {"Content-Type": "application/xml"})
        if status != 201:
            raise EmulatorError(f"CreateDistribution: {status} {body.decode(errors='replace')}")
        import xml.etree.ElementTree as ET

        root = ET.fromstring(body)
        get = lambda tag: root.find(f"{{{CF_NS}}}{tag}").text  # noqa: E731
        dist = {"Id": get("Id"), "ARN": get("ARN"), "DomainName": get("DomainName"),
                "ETag": headers.get("ETag"), "Status": get("Status")}
        if deployed:
            self.deploy(dist["Id"])
            dist["Status"] = "Deployed"
        return dist


def viewer_certificate_xml(viewer_certificate):
    """The ViewerCertificate element as GetDistributionConfig shows it, deprecated Certificate and
    CertificateSource included (CloudFront still answers them; tools that send them back unchanged
    next to a new IAMCertificateId meet InvalidViewerCertificate)."""
    if viewer_certificate is None:
        items = [("CloudFrontDefaultCertificate", "true"), ("SSLSupportMethod", "vip"),
                 ("MinimumProtocolVersion", "TLSv1"), ("CertificateSource", "cloudfront")]
    elif isinstance(viewer_certificate, str) and viewer_certificate.startswith("arn:"):
        # an ACM certificate, as CloudFront shows it (CertificateSource acm, Certificate the ARN)
        items = [("CloudFrontDefaultCertificate", "false"), ("ACMCertificateArn", viewer_certificate),
                 ("SSLSupportMethod", "sni-only"), ("MinimumProtocolVersion", "TLSv1.2_2021"),
                 ("Certificate", viewer_certificate), ("CertificateSource", "acm")]
    elif isinstance(viewer_certificate, str):
        items = [("CloudFrontDefaultCertificate", "false"), ("IAMCertificateId", viewer_certificate),
                 ("SSLSupportMethod", "sni-only"), ("MinimumProtocolVersion", "TLSv1.2_2021"),
                 ("Certificate", viewer_certificate), ("CertificateSource", "iam")]
    else:
        items = list(viewer_certificate.items())
    inner = "".join(f"<{k}>{escape(str(v))}</{k}>" for k, v in items)
    return f"<ViewerCertificate>{inner}</ViewerCertificate>"


def distribution_config_xml(caller_reference=None, aliases=(), viewer_certificate=None, enabled=True,
                            comment="libcert test distribution", origin_domain="origin.example.com",
                            extra_xml=None):
    """A full DistributionConfig document, shaped like what GetDistributionConfig answers for a
    distribution made in the console: an S3-style custom origin with OriginShield and custom
    headers, a cache policy, function and Lambda@Edge associations, a second cache behavior,
    custom error responses, logging, geo restrictions, HTTP/2+3, IPv6, staging flag and a
    continuous-deployment policy id: many of these moto does not model and re-renders or drops.
    extra_xml is inserted before </DistributionConfig> (e.g. an element AWS added later)."""
    caller_reference = caller_reference or f"libcert-{uuid.uuid4()}"
    alias_items = "".join(f"<CNAME>{escape(a)}</CNAME>" for a in aliases)
    aliases_xml = (f"<Aliases><Quantity>{len(aliases)}</Quantity><Items>{alias_items}</Items></Aliases>"
                   if aliases else "<Aliases><Quantity>0</Quantity></Aliases>")
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        f'<DistributionConfig xmlns="{CF_NS}">'
        f"<CallerReference>{escape(caller_reference)}</CallerReference>"
        f"{aliases_xml}"
        "<DefaultRootObject>index.html</DefaultRootObject>"
        "<Origins><Quantity>1</Quantity><Items><Origin><Id>primary</Id>"
        f"<DomainName>{escape(origin_domain)}</DomainName><OriginPath></OriginPath>"
        "<CustomHeaders><Quantity>1</Quantity><Items><OriginCustomHeader><HeaderName>X-Origin-Secret</HeaderName>"
        "<HeaderValue>not-a-secret</HeaderValue></OriginCustomHeader></Items></CustomHeaders>"
        "<CustomOriginConfig><HTTPPort>80</HTTPPort><HTTPSPort>443</HTTPSPort>"
        "<OriginProtocolPolicy>https-only</OriginProtocolPolicy>"
        "<OriginSslProtocols><Quantity>1</Quantity><Items><SslProtocol>TLSv1.2</SslProtocol></Items></OriginSslProtocols>"
        "<OriginReadTimeout>30</OriginReadTimeout><OriginKeepaliveTimeout>5</OriginKeepaliveTimeout>"
        "</CustomOriginConfig>"
        "<ConnectionAttempts>3</ConnectionAttempts><ConnectionTimeout>10</ConnectionTimeout>"
        "<OriginShield><Enabled>true</Enabled><OriginShieldRegion>us-east-1</OriginShieldRegion></OriginShield>"
        "<OriginAccessControlId></OriginAccessControlId>"
        "</Origin></Items></Origins>"
        "<OriginGroups><Quantity>0</Quantity></OriginGroups>"
        "<DefaultCacheBehavior><TargetOriginId>primary</TargetOriginId>"
        "<TrustedSigners><Enabled>false</Enabled><Quantity>0</Quantity></TrustedSigners>"
        "<TrustedKeyGroups><Enabled>false</Enabled><Quantity>0</Quantity></TrustedKeyGroups>"
        "<ViewerProtocolPolicy>redirect-to-https</ViewerProtocolPolicy>"
        "<AllowedMethods><Quantity>2</Quantity><Items><Method>HEAD</Method><Method>GET</Method></Items>"
        "<CachedMethods><Quantity>2</Quantity><Items><Method>HEAD</Method><Method>GET</Method></Items></CachedMethods>"
        "</AllowedMethods>"
        "<SmoothStreaming>false</SmoothStreaming><Compress>true</Compress>"
        "<LambdaFunctionAssociations><Quantity>1</Quantity><Items><LambdaFunctionAssociation>"
        "<LambdaFunctionARN>arn:aws:lambda:us-east-1:123456789012:function:edge-auth:7</LambdaFunctionARN>"
        "<EventType>viewer-request</EventType><IncludeBody>false</IncludeBody>"
        "</LambdaFunctionAssociation></Items></LambdaFunctionAssociations>"
        "<FunctionAssociations><Quantity>1</Quantity><Items><FunctionAssociation>"
        "<FunctionARN>arn:aws:cloudfront::123456789012:function/rewrite-index</FunctionARN>"
        "<EventType>viewer-response</EventType></FunctionAssociation></Items></FunctionAssociations>"
        "<FieldLevelEncryptionId></FieldLevelEncryptionId>"
        "<CachePolicyId>658327ea-f89d-4fab-a63d-7e88639e58f6</CachePolicyId>"
        "<ResponseHeadersPolicyId>67f7725c-6f97-4210-82d7-5512b31e9d03</ResponseHeadersPolicyId>"
        "<GrpcConfig><Enabled>false</Enabled></GrpcConfig>"
        "</DefaultCacheBehavior>"
        "<CacheBehaviors><Quantity>1</Quantity><Items><CacheBehavior><PathPattern>/api/*</PathPattern>"
        "<TargetOriginId>primary</TargetOriginId>"
        "<TrustedSigners><Enabled>false</Enabled><Quantity>0</Quantity></TrustedSigners>"
        "<TrustedKeyGroups><Enabled>false</Enabled><Quantity>0</Quantity></TrustedKeyGroups>"
        "<ViewerProtocolPolicy>https-only</ViewerProtocolPolicy>"
        "<AllowedMethods><Quantity>7</Quantity><Items><Method>HEAD</Method><Method>DELETE</Method>"
        "<Method>POST</Method><Method>GET</Method><Method>OPTIONS</Method><Method>PUT</Method>"
        "<Method>PATCH</Method></Items><CachedMethods><Quantity>2</Quantity><Items><Method>HEAD</Method>"
        "<Method>GET</Method></Items></CachedMethods></AllowedMethods>"
        "<SmoothStreaming>false</SmoothStreaming><Compress>false</Compress>"
        "<LambdaFunctionAssociations><Quantity>0</Quantity></LambdaFunctionAssociations>"
        "<FunctionAssociations><Quantity>0</Quantity></FunctionAssociations>"
        "<FieldLevelEncryptionId></FieldLevelEncryptionId>"
        "<CachePolicyId>4135ea2d-6df8-44a3-9df3-4b5a84be39ad</CachePolicyId>"
        "<OriginRequestPolicyId>b689b0a8-53d0-40ab-baf2-68738e2966ac</OriginRequestPolicyId>"
        "</CacheBehavior></Items></CacheBehaviors>"
        "<CustomErrorResponses><Quantity>1</Quantity><Items><CustomErrorResponse><ErrorCode>404</ErrorCode>"
        "<ResponsePagePath>/404.html</ResponsePagePath><ResponseCode>404</ResponseCode>"
        "<ErrorCachingMinTTL>10</ErrorCachingMinTTL></CustomErrorResponse></Items></CustomErrorResponses>"
        f"<Comment>{escape(comment)}</Comment>"
        "<Logging><Enabled>true</Enabled><IncludeCookies>false</IncludeCookies>"
        "<Bucket>logs-example.s3.amazonaws.com</Bucket><Prefix>cf/</Prefix></Logging>"
        "<PriceClass>PriceClass_100</PriceClass>"
        f"<Enabled>{'true' if enabled else 'false'}</Enabled>"
        f"{viewer_certificate_xml(viewer_certificate)}"
        "<Restrictions><GeoRestriction><RestrictionType>blacklist</RestrictionType><Quantity>1</Quantity>"
        "<Items><Location>AQ</Location></Items></GeoRestriction></Restrictions>"
        "<WebACLId></WebACLId>"
        "<HttpVersion>http2and3</HttpVersion>"
        "<IsIPV6Enabled>true</IsIPV6Enabled>"
        "<ContinuousDeploymentPolicyId></ContinuousDeploymentPolicyId>"
        "<Staging>false</Staging>"
        f"{extra_xml or ''}"
        "</DistributionConfig>"
    )


def start(**kw):
    """Start an emulator (keyword arguments as Emulator's) and return it; stop() when done."""
    return Emulator(**kw).start()


def connect(endpoint):
    """An Emulator object for one already running at endpoint (http://127.0.0.1:PORT), started by
    emu.sh or another process: the helpers work, start() and stop() do nothing to it."""
    e = Emulator()
    e.port = int(endpoint.rstrip("/").rsplit(":", 1)[1])
    e.proc = None
    e.start = lambda: e
    e.stop = lambda timeout=10.0: None
    return e


def _main(argv):
    """Shell access for scripts and the README demo:
      emuctl.py create-distribution ENDPOINT [--alias NAME]... [--iam-cert ID] [--in-progress]
    prints the new distribution's Id."""
    import argparse

    p = argparse.ArgumentParser(prog="emuctl.py")
    sub = p.add_subparsers(dest="cmd", required=True)
    c = sub.add_parser("create-distribution")
    c.add_argument("endpoint")
    c.add_argument("--alias", action="append", default=[])
    c.add_argument("--iam-cert", default=None, help="IAMCertificateId (default: CloudFront's certificate)")
    c.add_argument("--comment", default="libcert distribution")
    c.add_argument("--in-progress", action="store_true", help="leave it InProgress for the deploy delay")
    a = p.parse_args(argv)
    e = connect(a.endpoint)
    d = e.create_distribution(aliases=a.alias, viewer_certificate=a.iam_cert, comment=a.comment,
                              deployed=not a.in_progress)
    print(d["Id"])
    return 0


if __name__ == "__main__":
    sys.exit(_main(sys.argv[1:]))
