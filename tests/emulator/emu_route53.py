# SPDX-License-Identifier: Apache-2.0
"""Route 53's read APIs with AWS's real rules, on moto's Route 53 state.

Zones, records and health checks are created and changed through moto (CreateHostedZone,
ChangeResourceRecordSets, CreateHealthCheck go to it unchanged). The three reads libcert's alias
check makes are answered here, because moto 5.2.1 differs from Route 53 in each:

- ListHostedZonesByName: moto answers only the zones whose name equals `dnsname` (Route 53
  starts the list at that name and goes on in order), and never pages (no MaxItems,
  IsTruncated, NextDNSName, NextHostedZoneId).
- ListResourceRecordSets: moto ignores `identifier` and never answers NextRecordIdentifier, so a
  page that ends inside a weighted or failover set is followed by the same records again; it
  answers names as they were sent (Route 53 keeps them in lower case and answers characters
  other than a-z, 0-9, '-' and '_' as escape codes: "\\052.example.com.").
- GetHealthCheckStatus: moto answers one fixed "Success" observation for every check; a test
  needs a failing one. POST /_emu/health-check-status sets what the checkers report.

"Route 53 API Reference, <Action>" means that action's page in the Amazon Route 53 API
Reference; "Developer Guide, DNS domain name format" is the Route 53 Developer Guide's page of
that name.
"""

import re

from emu_common import ACCOUNT_ID, R53_NS, STATE_LOCK, AwsError, Response, esc, iso_ms, new_request_id, rest_operation, utcnow

API = "/2013-04-01"

_ZONES_BY_NAME_RE = re.compile(r"^/2013-04-01/hostedzonesbyname/?$")
_RRSET_RE = re.compile(r"^/2013-04-01/hostedzone/([^/]+)/rrset/?$")
_HC_STATUS_RE = re.compile(r"^/2013-04-01/healthcheck/([^/]+)/status/?$")

HANDLED_ACTIONS = ("ListHostedZonesByName", "ListResourceRecordSets", "GetHealthCheckStatus")

# What a health check's checkers report unless a test said otherwise: Route 53 API Reference,
# GetHealthCheckStatus / StatusReport ("Success: HTTP Status Code: 200, OK" style texts).
DEFAULT_REGIONS = ("us-east-1", "eu-west-1", "ap-southeast-1")
DEFAULT_STATUS = "Success: HTTP Status Code 200, OK"


def operation_name(method, path, query):
    """The Route 53 operation a REST request names (botocore's model), for the log and faults."""
    return rest_operation("route53", method, path, query)


def _ok(body):
    rid = new_request_id()
    return Response(200, [("Content-Type", "text/xml"), ("x-amzn-RequestId", rid)],
                    '<?xml version="1.0" encoding="UTF-8"?>\n' + body)


# ---- names (Developer Guide, DNS domain name format) --------------------------------------------


def unescape(name):
    """A name with its \\ooo escape codes decoded."""
    out, i = [], 0
    while i < len(name):
        c = name[i]
        if c == "\\" and i + 3 < len(name) and re.match(r"[0-3][0-7][0-7]", name[i + 1:i + 4]):
            out.append(chr(int(name[i + 1:i + 4], 8)))
            i += 4
            continue
        if c == "\\" and i + 1 < len(name):
            out.append(name[i + 1])
            i += 2
            continue
        out.append(c)
        i += 1
    return "".join(out)


def stored(name):
    """A name as Route 53 keeps and answers it: letters in lower case, characters other than
    a-z, 0-9, '-', '_' and '.' as \\three-digit octal escape codes, a trailing dot."""
    plain = unescape(name or "").lower()
    if plain.endswith("."):
        plain = plain[:-1]
    out = []
    for ch in plain:
        if ch.isascii() and (ch.isalnum() or ch in "-_."):
            out.append(ch)
        else:
            out.extend("\\%03o" % b for b in ch.encode("utf-8"))
    return "".join(out) + "."


def sort_key(name):
    """Route 53's order: the stored name with its labels reversed and the trailing dot kept
    ("com.example.www."), compared as ASCII (Route 53 API Reference, ListResourceRecordSets and
    ListHostedZonesByName, "Sort order")."""
    labels = stored(name)[:-1].split(".")
    return ".".join(reversed(labels)) + "."


# ---- handlers ----------------------------------------------------------------------------------


class Route53Handlers:
    def __init__(self, emu):
        self.emu = emu
        self.health = {}  # HealthCheckId -> [(region, status)]

    def reset(self):
        with STATE_LOCK:
            self.health = {}

    def page_cap(self, max_items):
        """The knob r53_page_max (POST /_emu/config): pages of at most that many items whatever
        MaxItems says, so that a test sees a client page through a short list."""
        cap = int(self.emu.knobs.get("r53_page_max") or 0)
        return min(max_items, cap) if cap > 0 else max_items

    def backend(self):
        from moto.route53.models import route53_backends

        return route53_backends[ACCOUNT_ID]["aws"]

    def handle(self, action, method, path, query):
        q = {k: v[0] for k, v in query.items()}
        with STATE_LOCK:
            if action == "ListHostedZonesByName":
                return self.list_hosted_zones_by_name(q)
            if action == "ListResourceRecordSets":
                return self.list_resource_record_sets(_RRSET_RE.match(path).group(1), q)
            if action == "GetHealthCheckStatus":
                return self.get_health_check_status(_HC_STATUS_RE.match(path).group(1))
        raise AwsError("InvalidAction", f"{action} is not handled here", 400)

    # -- ListHostedZonesByName --

    def list_hosted_zones_by_name(self, q):
        """Route 53 API Reference, ListHostedZonesByName: zones in name order (labels reversed);
        `dnsname` starts the list at the first zone whose name is that or later, `hostedzoneid`
        (only with dnsname) at that zone among those of the same name; at most `maxitems`
        (default and maximum 100); IsTruncated with NextDNSName and NextHostedZoneId."""
        dnsname, zone_id = q.get("dnsname"), q.get("hostedzoneid")
        if zone_id and not dnsname:
            # ListHostedZonesByName: "If you specify hostedzoneid, you must also specify dnsname"
            raise AwsError("InvalidInput", "The input is not valid: hostedzoneid requires dnsname", 400)
        max_items = self.page_cap(_max_items(q.get("maxitems"), 100, 100))
        zones = sorted(self.backend().zones.values(), key=lambda z: (sort_key(z.name), z.resource_id))
        start = 0
        if dnsname:
            key = (sort_key(dnsname), zone_id or "")
            while start < len(zones) and (sort_key(zones[start].name), zones[start].resource_id if zone_id else "") < key:
                start += 1
        page, rest = zones[start:start + max_items], zones[start + max_items:]
        parts = ["<HostedZones>"]
        for z in page:
            parts.append(
                f"<HostedZone><Id>/hostedzone/{esc(z.resource_id)}</Id><Name>{esc(stored(z.name))}</Name>"
                f"<CallerReference>{esc(z.caller_reference or '')}</CallerReference>"
                f"<Config>{'<Comment>%s</Comment>' % esc(z.comment) if z.comment else ''}"
                f"<PrivateZone>{'true' if z.private_zone else 'false'}</PrivateZone></Config>"
                f"<ResourceRecordSetCount>{len(z.rrsets)}</ResourceRecordSetCount></HostedZone>")
        parts.append("</HostedZones>")
        if dnsname:
            parts.append(f"<DNSName>{esc(stored(dnsname))}</DNSName>")
        if zone_id:
            parts.append(f"<HostedZoneId>{esc(zone_id)}</HostedZoneId>")
        parts.append(f"<IsTruncated>{'true' if rest else 'false'}</IsTruncated>")
        if rest:
            parts.append(f"<NextDNSName>{esc(stored(rest[0].name))}</NextDNSName>"
                         f"<NextHostedZoneId>{esc(rest[0].resource_id)}</NextHostedZoneId>")
        parts.append(f"<MaxItems>{max_items}</MaxItems>")
        return _ok(f'<ListHostedZonesByNameResponse xmlns="{R53_NS}">' + "".join(parts)
                   + "</ListHostedZonesByNameResponse>")

    # -- ListResourceRecordSets --

    def zone(self, zone_id):
        z = self.backend().zones.get(zone_id)
        if z is None:
            # Route 53 API Reference, Errors: NoSuchHostedZone (404)
            raise AwsError("NoSuchHostedZone", f"No hosted zone found with ID: {zone_id}", 404)
        return z

    def list_resource_record_sets(self, zone_id, q):
        """Route 53 API Reference, ListResourceRecordSets: records by name (labels reversed),
        then type, then SetIdentifier; `name` starts at the first record whose name is that or
        later, `type` (only with name, else InvalidInput) at that type among the records of that
        name, `identifier` at that SetIdentifier among the records of that name and type; at most
        `maxitems` (default and maximum 300); IsTruncated with NextRecordName, NextRecordType and,
        when the next record has one, NextRecordIdentifier."""
        z = self.zone(zone_id)
        name, rtype, ident = q.get("name"), q.get("type"), q.get("identifier")
        if rtype and not name:
            raise AwsError("InvalidInput", "The input is not valid: type requires name", 400)
        if ident and not rtype:
            raise AwsError("InvalidInput", "The input is not valid: identifier requires type", 400)
        max_items = self.page_cap(_max_items(q.get("maxitems"), 300, 300))

        def key(r):
            return (sort_key(r.name), r.type or "", r.set_identifier or "")

        records = sorted(z.rrsets, key=key)
        if name:
            start = (sort_key(name), rtype or "", ident or "")
            records = [r for r in records if key(r) >= start]
        page, rest = records[:max_items], records[max_items:]
        parts = ["<ResourceRecordSets>"]
        parts.extend(_record_xml(r) for r in page)
        parts.append("</ResourceRecordSets>")
        parts.append(f"<IsTruncated>{'true' if rest else 'false'}</IsTruncated>")
        if rest:
            nxt = rest[0]
            parts.append(f"<NextRecordName>{esc(stored(nxt.name))}</NextRecordName>"
                         f"<NextRecordType>{esc(nxt.type)}</NextRecordType>")
            if nxt.set_identifier:
                parts.append(f"<NextRecordIdentifier>{esc(nxt.set_identifier)}</NextRecordIdentifier>")
        parts.append(f"<MaxItems>{max_items}</MaxItems>")
        return _ok(f'<ListResourceRecordSetsResponse xmlns="{R53_NS}">' + "".join(parts)
                   + "</ListResourceRecordSetsResponse>")

    # -- GetHealthCheckStatus --

    def get_health_check_status(self, hc_id):
        """Route 53 API Reference, GetHealthCheckStatus: one HealthCheckObservation per checker
        region, each with Region, IPAddress and StatusReport (Status, CheckedTime);
        NoSuchHealthCheck (404) for an unknown id."""
        if hc_id not in self.backend().health_checks:
            raise AwsError("NoSuchHealthCheck", f"A health check with id {hc_id} does not exist.", 404)
        observations = self.health.get(hc_id) or [(r, DEFAULT_STATUS) for r in DEFAULT_REGIONS]
        now = iso_ms(utcnow())
        parts = ["<HealthCheckObservations>"]
        for i, (region, status) in enumerate(observations):
            parts.append(f"<HealthCheckObservation><Region>{esc(region)}</Region>"
                         f"<IPAddress>15.177.{i}.1</IPAddress><StatusReport><Status>{esc(status)}</Status>"
                         f"<CheckedTime>{now}</CheckedTime></StatusReport></HealthCheckObservation>")
        parts.append("</HealthCheckObservations>")
        return _ok(f'<GetHealthCheckStatusResponse xmlns="{R53_NS}">' + "".join(parts)
                   + "</GetHealthCheckStatusResponse>")

    def set_health(self, obj):
        """POST /_emu/health-check-status {"HealthCheckId": ID, "Statuses": ["Success: ...",
        "Failure: ..."]}: what the checkers report from now on, one region each."""
        hc_id, statuses = obj.get("HealthCheckId"), obj.get("Statuses")
        if not isinstance(hc_id, str) or not isinstance(statuses, list) or not statuses or \
                not all(isinstance(s, str) for s in statuses):
            raise ValueError('give {"HealthCheckId": ID, "Statuses": ["Success: ...", ...]}')
        regions = ["us-east-1", "us-west-1", "us-west-2", "eu-west-1", "ap-southeast-1",
                   "ap-southeast-2", "ap-northeast-1", "sa-east-1"]
        with STATE_LOCK:
            self.health[hc_id] = [(regions[i % len(regions)], s) for i, s in enumerate(statuses)]
        return {"HealthCheckId": hc_id, "Statuses": statuses}


def _max_items(text, default, cap):
    if text is None:
        return default
    try:
        n = int(text)
    except ValueError:
        raise AwsError("InvalidInput", f"maxitems {text!r} is not a number", 400)
    if n < 1:
        raise AwsError("InvalidInput", "maxitems must be at least 1", 400)
    return min(n, cap)


def _record_xml(r):
    """A ResourceRecordSet in the API's member order (botocore model, ResourceRecordSet)."""
    parts = [f"<ResourceRecordSet><Name>{esc(stored(r.name))}</Name><Type>{esc(r.type)}</Type>"]
    if r.set_identifier:
        parts.append(f"<SetIdentifier>{esc(r.set_identifier)}</SetIdentifier>")
    if r.weight is not None:
        parts.append(f"<Weight>{int(r.weight)}</Weight>")
    if r.region:
        parts.append(f"<Region>{esc(r.region)}</Region>")
    if r.geo_location:
        geo = "".join(f"<{k}>{esc(v)}</{k}>" for k, v in r.geo_location.items())
        parts.append(f"<GeoLocation>{geo}</GeoLocation>")
    if r.failover:
        parts.append(f"<Failover>{esc(r.failover)}</Failover>")
    if r.multi_value_answer is not None:
        parts.append(f"<MultiValueAnswer>{'true' if r.multi_value_answer else 'false'}</MultiValueAnswer>")
    if r.alias_target is None:
        parts.append(f"<TTL>{int(r.ttl or 0)}</TTL>")
        values = "".join(f"<ResourceRecord><Value>{esc(v)}</Value></ResourceRecord>" for v in (r.records or []))
        parts.append(f"<ResourceRecords>{values}</ResourceRecords>")
    else:
        a = r.alias_target
        eth = a.get("EvaluateTargetHealth")
        parts.append(f"<AliasTarget><HostedZoneId>{esc(a.get('HostedZoneId', ''))}</HostedZoneId>"
                     f"<DNSName>{esc(stored(a.get('DNSName', '')))}</DNSName>"
                     f"<EvaluateTargetHealth>{'true' if eth in (True, 'true') else 'false'}"
                     "</EvaluateTargetHealth></AliasTarget>")
    if r.health_check_id:
        parts.append(f"<HealthCheckId>{esc(r.health_check_id)}</HealthCheckId>")
    parts.append("</ResourceRecordSet>")
    return "".join(parts)
