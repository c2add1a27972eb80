# SPDX-License-Identifier: Apache-2.0
"""A strict reader of the Prometheus text exposition format, as node_exporter's textfile collector
takes it (https://prometheus.io/docs/instrumenting/exposition_formats/, "Text-based format",
version 0.0.4), for the tests of certls --prometheus and certcheck --each --prometheus.

Debian 12 packages promtool only inside `prometheus` (the server: 96 MB installed, a daemon and a
system user), so the project does not install it; this reader checks what promtool's
`check metrics` would refuse, and more (the naming rules libcert follows). When a promtool is on
PATH (or LIBCERT_PROMTOOL names one), the tests run it too.

    families = parse(text)      # {name: Family(help, type, samples=[(labels dict, value)])}
"""

import math
import os
import re
import shutil
import subprocess

METRIC_NAME = re.compile(r"[a-zA-Z_:][a-zA-Z0-9_:]*")
LABEL_NAME = re.compile(r"[a-zA-Z_][a-zA-Z0-9_]*")
TYPES = ("counter", "gauge", "histogram", "summary", "untyped")


class ExpositionError(AssertionError):
    pass


class Family:
    def __init__(self, name):
        self.name, self.help, self.type, self.samples = name, None, None, []


def _value(text, where):
    # Go's strconv.ParseFloat, as Prometheus reads a value: decimal, exponent, NaN, +Inf, -Inf
    if text in ("NaN", "+Inf", "-Inf", "Inf"):
        return float(text.replace("Inf", "inf").replace("NaN", "nan"))
    if not re.fullmatch(r"[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?", text):
        raise ExpositionError(f"{where}: value {text!r} is not a number")
    return float(text)


def _labels(line, pos, where):
    """The label set starting after '{' at pos; (dict, position after '}')."""
    labels = {}
    while True:
        if line.startswith("}", pos):
            return labels, pos + 1
        m = LABEL_NAME.match(line, pos)
        if not m:
            raise ExpositionError(f"{where}: bad label name at column {pos + 1}")
        name = m.group(0)
        if name.startswith("__"):
            raise ExpositionError(f"{where}: label {name} is reserved")
        if name in labels:
            raise ExpositionError(f"{where}: label {name} twice")
        pos = m.end()
        if not line.startswith('="', pos):
            raise ExpositionError(f"{where}: expected =\" after label {name}")
        pos += 2
        out = []
        while True:
            if pos >= len(line):
                raise ExpositionError(f"{where}: unterminated value of label {name}")
            c = line[pos]
            if c == "\\":
                nxt = line[pos + 1:pos + 2]
                if nxt not in ("\\", '"', "n"):
                    raise ExpositionError(f"{where}: bad escape \\{nxt} in label {name}")
                out.append("\n" if nxt == "n" else nxt)
                pos += 2
            elif c == '"':
                pos += 1
                break
            else:
                out.append(c)
                pos += 1
        labels[name] = "".join(out)
        if line.startswith(",", pos):
            pos += 1
        elif not line.startswith("}", pos):
            raise ExpositionError(f"{where}: expected , or }} after label {name}")


def parse(data, allow_timestamps=False):
    """Parse bytes or text; ExpositionError on anything a strict reader refuses: bad UTF-8, no
    final newline, bad names, labels or values, a HELP or TYPE twice or after the samples of its
    metric, a family's samples split by another's, the same series twice, and (unless
    allow_timestamps) timestamps, which the textfile collector refuses."""
    if isinstance(data, bytes):
        try:
            data = data.decode("utf-8")
        except UnicodeDecodeError as e:
            raise ExpositionError(f"not UTF-8: {e}") from None
    if data and not data.endswith("\n"):
        raise ExpositionError("the last line does not end with a line feed")
    families, order, series = {}, [], set()
    current = None
    for n, line in enumerate(data.split("\n")[:-1] if data else [], 1):
        where = f"line {n}"
        if line.strip() == "":
            continue
        if line.startswith("#"):
            parts = line.split(None, 3)
            if len(parts) >= 2 and parts[1] in ("HELP", "TYPE"):
                if len(parts) < 3 or not METRIC_NAME.fullmatch(parts[2]):
                    raise ExpositionError(f"{where}: bad metric name in {parts[1]}")
                fam = families.get(parts[2])
                if fam is None:
                    fam = families[parts[2]] = Family(parts[2])
                    order.append(parts[2])
                elif fam.samples or (current != parts[2]):
                    raise ExpositionError(f"{where}: {parts[1]} for {parts[2]} after its samples "
                                          "or away from its family")
                text = parts[3] if len(parts) > 3 else ""
                if parts[1] == "HELP":
                    if fam.help is not None:
                        raise ExpositionError(f"{where}: HELP for {parts[2]} twice")
                    if re.search(r"\\[^\\n]", text.replace("\\\\", "")):
                        raise ExpositionError(f"{where}: HELP may escape only \\\\ and \\n")
                    fam.help = text.replace("\\n", "\n").replace("\\\\", "\\")
                else:
                    if fam.type is not None:
                        raise ExpositionError(f"{where}: TYPE for {parts[2]} twice")
                    if text not in TYPES:
                        raise ExpositionError(f"{where}: unknown type {text!r}")
                    fam.type = text
                current = parts[2]
            continue  # any other comment
        m = METRIC_NAME.match(line)
        if not m:
            raise ExpositionError(f"{where}: bad metric name")
        name, pos = m.group(0), m.end()
        labels = {}
        if line.startswith("{", pos):
            labels, pos = _labels(line, pos + 1, where)
        rest = line[pos:]
        if not rest.startswith(" "):
            raise ExpositionError(f"{where}: expected a space before the value")
        fields = rest.split()
        if len(fields) not in (1, 2) or (len(fields) == 2 and not allow_timestamps):
            raise ExpositionError(f"{where}: expected a value{' and an optional timestamp' if allow_timestamps else ' only (no timestamp)'}")
        value = _value(fields[0], where)
        fam = families.get(name)
        if fam is None:
            fam = families[name] = Family(name)
            order.append(name)
        elif current != name:
            raise ExpositionError(f"{where}: samples of {name} are not together")
        current = name
        key = (name, tuple(sorted(labels.items())))
        if key in series:
            raise ExpositionError(f"{where}: series {name}{labels} twice")
        series.add(key)
        fam.samples.append((labels, value))
    return families


def check_conventions(families, prefix="libcert_"):
    """The naming rules of prometheus.io/docs/practices/naming/ that libcert follows: one
    prefix, HELP and TYPE for every family, gauges only (nothing here counts), no _total on a
    gauge, times as _timestamp_seconds, integral finite values."""
    for name, fam in families.items():
        if not name.startswith(prefix):
            raise ExpositionError(f"{name}: not under {prefix}")
        if not fam.help or fam.type is None:
            raise ExpositionError(f"{name}: HELP and TYPE are required")
        if fam.type != "gauge" or name.endswith("_total"):
            raise ExpositionError(f"{name}: a gauge, never _total")
        if "timestamp" in name and not name.endswith("_timestamp_seconds"):
            raise ExpositionError(f"{name}: a time is ..._timestamp_seconds")
        for labels, value in fam.samples:
            if not math.isfinite(value) or value != int(value):
                raise ExpositionError(f"{name}{labels}: {value} is not a whole number")


def promtool():
    """A promtool to run too, or None."""
    return os.environ.get("LIBCERT_PROMTOOL") or shutil.which("promtool")


def promtool_check(path):
    """(ran, returncode, output) of `promtool check metrics < path`."""
    tool = promtool()
    if not tool:
        return False, 0, ""
    with open(path, "rb") as f:
        p = subprocess.run([tool, "check", "metrics"], stdin=f, capture_output=True, text=True, timeout=60)
    return True, p.returncode, p.stdout + p.stderr
