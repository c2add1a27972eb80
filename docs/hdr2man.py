#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
"""Section-3 man pages from libcert's public headers, so that the pages say what the headers say.

    hdr2man.py --out DIR [--version V] [--description TEXT] [--gzip] HEADER...

One page per header, libcert_<stem>(3) (bundle.h gives libcert_bundle.3); the umbrella header
libcert.h gives the overview libcert(3), which lists the other pages. Every function also gets
its own name, cert_bundle_new(3), as a symbolic link to its header's page (Debian Policy 12.1
prefers links to .so requests), so `man cert_bundle_new` works. Any other *.3 or *.3.gz in DIR is
removed, so a header or function that went away leaves no stale page behind. With --gzip the pages
are written compressed (gzip -9n: no name, no time stamp), as Debian installs them. The date in
.TH is SOURCE_DATE_EPOCH's when set, else today's, as scdoc does for the section-1 pages.

What is read (the conventions of style.md, section 7):
  - the header's leading /* ... */ comment: the page's NAME (its first sentence) and DESCRIPTION;
  - each /** ... */ comment and the declaration right after it: a CERT_EXTERN function, a
    typedef (opaque struct, struct or enum with its body, function pointer) or a #define;
    @param NAME[, NAME] and @return(s) tags; /**< ... */ after a struct member or enum value;
  - undocumented CERT_EXTERN functions and typedefs are listed too, without text.
Skipped: #include lines, the include guard, `extern "C"` and anything under `#if...__cplusplus`,
macros defined inside other #if blocks (CERT_EXTERN's own definition), plain /* */ comments
other than the leading one. Text is rendered as roff (man macros); `backticks`, name() and
CERT_* constants are set in bold. Unknown constructs are shown as they are written, never
dropped, and nothing here fails on a header it does not understand.
"""

import argparse
import datetime
import gzip
import os
import re
import sys

IDENT = r"[A-Za-z_]\w*"


# ---- lexing ----------------------------------------------------------------------------------

class Item:
    """One top-level piece of a header: a doc comment, a declaration or a macro."""

    def __init__(self, kind, text, line, **kw):
        self.kind = kind  # "doc", "comment", "code", "define"
        self.text = text
        self.line = line
        self.__dict__.update(kw)


def skip_comment(s, i):
    """s[i:] starts with '/*': index after its '*/' (or the end of s)."""
    j = s.find("*/", i + 2)
    return len(s) if j < 0 else j + 2


def lex(src):
    """Split a header into comments, preprocessor lines and code statements, tracking #if blocks."""
    items = []
    i, n = 0, len(src)
    conds = []  # one entry per open #if: "guard", "cplusplus" or "other"
    guard = None
    line_of = lambda pos: src.count("\n", 0, pos) + 1

    def active():
        return "cplusplus" not in conds

    def nested():
        return any(c == "other" for c in conds)

    while i < n:
        c = src[i]
        if c.isspace():
            i += 1
            continue
        at_line_start = bol(src, i)
        if src.startswith("/*", i):
            j = skip_comment(src, i)
            body = src[i:j]
            if active():
                kind = "doc" if body.startswith("/**") and not body.startswith("/**<") else "comment"
                items.append(Item(kind, body, line_of(i)))
            i = j
            continue
        if src.startswith("//", i):
            j = src.find("\n", i)
            i = n if j < 0 else j
            continue
        if c == "#" and at_line_start:
            # one preprocessor line, with its continuations
            j = i
            while True:
                e = src.find("\n", j)
                if e < 0:
                    e = n
                    break
                if src[e - 1] == "\\":
                    j = e + 1
                    continue
                break
            line = src[i:e]
            i = e
            m = re.match(r"#\s*(\w+)\s*(.*)", line, re.S)
            if not m:
                continue
            d, rest = m.group(1), m.group(2)
            if d in ("if", "ifdef", "ifndef"):
                if d == "ifndef" and guard is None and not conds and not items_code(items):
                    conds.append("guard")
                    guard = rest.strip()
                elif "__cplusplus" in rest:
                    conds.append("cplusplus")
                else:
                    conds.append("other")
            elif d in ("else", "elif"):
                pass  # the branch kind stays: a __cplusplus block's #else is skipped too
            elif d == "endif":
                if conds:
                    conds.pop()
            elif d == "define" and active():
                m2 = re.match(r"(%s)(\([^)]*\))?(.*)" % IDENT, rest, re.S)
                if m2 and m2.group(1) != guard and not nested():
                    value = m2.group(3)
                    trailing = None
                    t = re.search(r"/\*\*<(.*?)\*/", value, re.S)
                    if t:
                        trailing = t.group(1)
                    value = re.sub(r"/\*.*?\*/", "", value, flags=re.S)
                    value = re.sub(r"\\\n", "\n", value).strip()
                    items.append(Item("define", line, line_of(i), name=m2.group(1),
                                      params=m2.group(2) or "", value=value, trailing=trailing))
            continue
        # code: up to ';' at brace depth 0
        start, depth = i, 0
        while i < n:
            if src.startswith("/*", i):
                i = skip_comment(src, i)
                continue
            ch = src[i]
            if ch == '"':
                j = i + 1
                while j < n and src[j] != '"':
                    j += 2 if src[j] == "\\" else 1
                i = j + 1
                continue
            if ch == "#" and bol(src, i):
                break  # a preprocessor line inside a statement ends what we can read
            if ch == "{":
                if depth == 0 and re.fullmatch(r'\s*extern\s+"C"\s*', src[start:i]):
                    start = i + 1  # extern "C" { outside an #ifdef: not a declaration
                    i += 1
                    continue
                depth += 1
            elif ch == "}":
                if depth == 0:
                    start = i + 1  # the closing brace of extern "C"
                    i += 1
                    continue
                depth -= 1
            elif ch == ";" and depth == 0:
                i += 1
                break
            i += 1
        text = src[start:i].strip()
        if text and active():
            items.append(Item("code", text, line_of(start)))
    return items, guard


def bol(src, i):
    """Whether only blanks stand between the start of the line and src[i]."""
    return src[src.rfind("\n", 0, i) + 1:i].strip() == ""


def items_code(items):
    return any(it.kind in ("code", "define") for it in items)


# ---- declarations ----------------------------------------------------------------------------

def strip_comments(s):
    return re.sub(r"/\*.*?\*/", " ", s, flags=re.S)


def squash(s):
    """One line, single spaces; `T * name` written `T *name` as clang-format does."""
    return re.sub(r"\s\*\s+(?=[A-Za-z_])", " *", re.sub(r"\s+", " ", s)).strip()


def doc_text(comment):
    """The text of a /** ... */ or /**< ... */ comment, margins and stars removed."""
    body = re.sub(r"^/\*\*<?", "", comment)
    body = re.sub(r"\*/$", "", body)
    lines = body.split("\n")
    out = []
    for ln in lines:
        ln = re.sub(r"^\s*\*(?!/) ?", "", ln) if re.match(r"^\s*\*", ln) else ln
        out.append(ln.rstrip())
    while out and not out[0].strip():
        out.pop(0)
    while out and not out[-1].strip():
        out.pop()
    return "\n".join(out)


class Doc:
    """A doc comment split into paragraphs, @param and @return."""

    def __init__(self, text):
        self.paras, self.params, self.returns, self.other = [], [], [], []
        cur, target = [], None
        for ln in (text or "").split("\n"):
            s = ln.strip()
            m = re.match(r"@(\w+)(\[[^\]]*\])?\s*(.*)", s)
            if m:
                self._flush(cur, target)
                cur, target = [], None
                tag, rest = m.group(1), m.group(3)
                if tag == "param":
                    pm = re.match(r"((?:%s\s*,\s*)*%s)\s*(.*)" % (IDENT, IDENT), rest)
                    if pm:
                        self.params.append([pm.group(1), pm.group(2)])
                        target = self.params[-1]
                        continue
                if tag in ("return", "returns"):
                    self.returns.append([None, rest])
                    target = self.returns[-1]
                    continue
                self.other.append([tag, rest])
                target = self.other[-1]
                continue
            if not s:
                self._flush(cur, target)
                cur, target = [], None
                continue
            if target is not None:
                target[1] = (target[1] + " " + s).strip()
            else:
                cur.append(s)
        self._flush(cur, target)

    def _flush(self, cur, target):
        if cur:
            self.paras.append(" ".join(cur))


class Decl:
    def __init__(self, kind, name, code, doc, line, members=None, body_kind=None):
        self.kind = kind  # "function", "type", "macro", "other"
        self.name = name
        self.code = code  # what the synopsis shows
        self.doc = Doc(doc)
        self.line = line
        self.members = members or []  # [(name, declaration, doc text)]
        self.body_kind = body_kind  # "struct", "enum", "union" or None


def split_body(body, sep):
    """Members of a struct (sep ';') or enum (sep ','), each with its doc comment."""
    members = []
    cur, pending_doc = "", None
    i, n, depth = 0, len(body), 0
    while i < n:
        if body.startswith("/**<", i):
            j = skip_comment(body, i)
            text = doc_text(body[i:j])
            if cur.strip():
                pending_doc = text if pending_doc is None else pending_doc + " " + text
            elif members:
                prev = members[-1]
                members[-1] = (prev[0], prev[1], (prev[2] + " " if prev[2] else "") + text)
            i = j
            continue
        if body.startswith("/*", i):
            j = skip_comment(body, i)
            if body.startswith("/**", i):
                pending_doc = doc_text(body[i:j])
            i = j
            continue
        ch = body[i]
        if ch in "({[":
            depth += 1
        elif ch in ")}]":
            depth -= 1
        if ch == sep and depth == 0:
            members.append((None, squash(cur), pending_doc))
            cur, pending_doc = "", None
        else:
            cur += ch
        i += 1
    if cur.strip():
        members.append((None, squash(cur), pending_doc))
    out = []
    for _, decl, doc in members:
        if not decl:
            continue
        if sep == ",":
            m = re.match(IDENT, decl)
            name = m.group(0) if m else decl
        else:
            m = re.search(r"\(\s*\*\s*(%s)\s*\)" % IDENT, decl)
            if m:
                name = m.group(1)
            else:
                ids = re.findall(IDENT, re.sub(r"\[[^\]]*\]", "", decl))
                name = ids[-1] if ids else decl
        out.append((name, decl, doc))
    return out


def parse_code(text, doc, line):
    code = squash(strip_comments(text)).rstrip(";").strip()
    if "CERT_EXTERN" in code:
        proto = code.replace("CERT_EXTERN", "").strip()
        m = re.search(r"(%s)\s*\(" % IDENT, proto)
        name = m.group(1) if m else proto
        return Decl("function", name, proto + ";", doc, line)
    m = re.match(r"(typedef\s+)?(struct|enum|union)\s*(%s)?\s*\{" % IDENT, code)
    if m:
        # a definition with a body: rebuild it from its members, without their comments
        open_at = text.index("{")
        depth, close_at = 0, len(text)
        for k in range(open_at, len(text)):
            if text[k] == "{":
                depth += 1
            elif text[k] == "}":
                depth -= 1
                if depth == 0:
                    close_at = k
                    break
        kind = m.group(2)
        members = split_body(text[open_at + 1:close_at], "," if kind == "enum" else ";")
        after = squash(strip_comments(text[close_at + 1:])).rstrip(";").strip()
        name = after.split(",")[0].strip() if after else (m.group(3) or "")
        head = squash(strip_comments(text[:open_at]))
        lines = [head + " {"]
        for mname, decl, _ in members:
            lines.append("    " + decl + ("," if kind == "enum" else ";"))
        lines.append("}" + (" " + after if after else "") + ";")
        return Decl("type", name or "(anonymous)", "\n".join(lines), doc, line, members, kind)
    if code.startswith("typedef"):
        m = re.search(r"\(\s*\*\s*(%s)\s*\)" % IDENT, code)
        if m:
            name = m.group(1)
        else:
            ids = re.findall(IDENT, re.sub(r"\[[^\]]*\]", "", code))
            name = ids[-1] if ids else code
        return Decl("type", name, code + ";", doc, line)
    return Decl("other", None, code + ";", doc, line)


class Header:
    def __init__(self, path):
        self.path = path
        self.file = os.path.basename(path)
        self.stem = self.file[:-2] if self.file.endswith(".h") else self.file
        with open(path, encoding="utf-8", errors="replace") as f:
            src = f.read()
        items, self.guard = lex(src)
        self.intro = ""
        # the leading comment: the first comment before any declaration
        for it in items:
            if it.kind == "comment":  # a plain /* */ comment, not a declaration's /** */
                self.intro = doc_text(re.sub(r"^/\*+", "/**", it.text))
                items = [x for x in items if x is not it]
            break
        self.includes = re.findall(r'^\s*#\s*include\s+"([^"]+)"', src, re.M)
        self.decls = []
        doc = None
        for it in items:
            if it.kind == "doc":
                if doc is not None:
                    self.decls.append(Decl("text", None, "", doc, it.line))
                doc = doc_text(it.text)
                continue
            if it.kind == "comment":
                continue
            if it.kind == "define":
                d = Decl("macro", it.name, "#define " + it.name + it.params, doc or it.trailing,
                         it.line)
                d.value = it.value
                self.decls.append(d)
            else:
                self.decls.append(parse_code(it.text, doc, it.line))
            doc = None
        if doc is not None:
            self.decls.append(Decl("text", None, "", doc, 0))

    @property
    def page(self):
        return "libcert" if self.stem == "libcert" else "libcert_" + self.stem

    def summary(self):
        first = self.intro.split("\n\n")[0] if self.intro else ""
        first = squash(first)
        m = re.match(r"(.+?[.!?])(\s+[A-Z(`\"]|$)", first)
        s = m.group(1) if m else first
        return s.rstrip(".") or "declarations of <libcert/%s>" % self.file

    def functions(self):
        return [d for d in self.decls if d.kind == "function"]


# ---- roff ------------------------------------------------------------------------------------

def esc(s):
    """Plain text to roff: backslashes, minus signs, non-ASCII characters."""
    s = s.replace("\\", "\\e").replace("-", "\\-")
    return "".join(c if ord(c) < 128 else "\\[u%04X]" % ord(c) for c in s)


def inline(s):
    """Prose to roff, with `code`, name() and CERT_* in bold."""
    parts = re.split(r"(`[^`]*`)", s)
    out = []
    for p in parts:
        if len(p) >= 2 and p.startswith("`") and p.endswith("`"):
            out.append("\\fB" + esc(p[1:-1]) + "\\fR")
            continue
        e = esc(p)
        e = re.sub(r"\b(%s\(\))" % IDENT, r"\\fB\1\\fR", e)
        e = re.sub(r"\b(CERT_[A-Z0-9_]+)\b", r"\\fB\1\\fR", e)
        out.append(e)
    return "".join(out)


def text_lines(s):
    """Lines of roff text: none may begin with a control character."""
    out = []
    for ln in s.split("\n"):
        ln = ln.strip()
        if not ln:
            continue
        if ln[0] in ".'":
            ln = "\\&" + ln
        out.append(ln)
    return out


def para(s):
    return text_lines(inline(s))


def code_block(code, width=76):
    """Code in no-fill mode, long prototypes wrapped after commas under their '('."""
    out = [".PP", ".in +4n", ".nf"]
    for ln in code.split("\n"):
        for piece in wrap_code(ln, width):
            piece = esc(piece)
            out.append(("\\&" + piece) if piece[:1] in ".'" else piece)
    out += [".fi", ".in"]
    return out


def wrap_code(ln, width):
    opener = re.search(r"[({]", ln)
    if len(ln) <= width or not opener:
        return [ln]
    col = opener.end()
    if col > width // 2:
        col = 8
    words = re.split(r"(?<=,) ", ln)
    lines, cur = [], words[0]
    for w in words[1:]:
        if len(cur) + 1 + len(w) <= width:
            cur += " " + w
        else:
            lines.append(cur)
            cur = " " * col + w
    lines.append(cur)
    return lines


def render_doc(d, out):
    for p in d.doc.paras:
        out.append(".PP")
        out += para(p)
    for names, text in d.doc.params:
        out.append(".TP")
        out.append(".I " + esc(names.replace(" ", "")))
        out += para(text) or ["(no description)"]
    for _, text in d.doc.returns:
        out.append(".PP")
        lines = para(text) if text else []
        out.append("\\fBReturns:\\fR " + (lines[0] if lines else ""))
        out += lines[1:]
    for tag, text in d.doc.other:
        out.append(".PP")
        out += ["\\fI" + esc(tag) + ":\\fR"] + para(text)


def render_members(d, out):
    documented = [m for m in d.members if m[2]]
    if not documented:
        return
    out.append(".PP")
    out.append("Values:" if d.body_kind == "enum" else "Members:")
    for name, _, doc in documented:
        out.append(".TP")
        out.append(".B " + esc(name))
        out += para(squash(doc))


def page_date():
    sde = os.environ.get("SOURCE_DATE_EPOCH")
    if sde and sde.isdigit():
        t = datetime.datetime.fromtimestamp(int(sde), datetime.timezone.utc)
    else:
        t = datetime.datetime.now(datetime.timezone.utc)
    return t.strftime("%Y-%m-%d")


def th(name, version):
    return '.TH "%s" "3" "%s" "%s" "libcert Library Functions"' % (
        esc(name.upper()), page_date(), esc(("libcert " + version).strip()))


def header_page(h, headers, version):
    out = [th(h.page, version), ".SH NAME"]
    names = [h.page] + [f.name for f in h.functions()]
    out.append(esc(", ".join(names)) + " \\- " + inline(h.summary()))
    out += [".SH SYNOPSIS", ".nf", ".B #include <libcert/%s>" % esc(h.file), ".fi"]
    funcs = h.functions()
    if funcs:
        out += code_block("\n".join(f.code for f in funcs))
    out.append(".SH DESCRIPTION")
    if h.intro:
        for p in h.intro.split("\n\n"):
            out.append(".PP")
            out += para(squash(p))
    else:
        out += [".PP", "Declarations of " + esc("<libcert/%s>" % h.file) + "."]
    sections = [("DATA TYPES", ("type",)), ("CONSTANTS AND MACROS", ("macro",)),
                ("FUNCTIONS", ("function",)), ("OTHER DECLARATIONS", ("other", "text"))]
    for title, kinds in sections:
        ds = [d for d in h.decls if d.kind in kinds]
        if not ds:
            continue
        out.append('.SH "%s"' % title)
        for d in ds:
            if d.kind == "function":
                out.append(".SS %s()" % esc(d.name))
            elif d.name:
                out.append(".SS %s" % esc(d.name))
            if d.kind == "macro":
                code = d.code
                if d.value:
                    code += " " + squash(d.value)
                out += code_block(code)
            elif d.kind != "text":
                out += code_block(d.code)
            render_doc(d, out)
            if d.kind == "type":
                render_members(d, out)
    see = ["libcert"]
    for inc in h.includes:
        for o in headers:
            if o.file == inc and o is not h and o.page != "libcert":
                see.append(o.page)
    out.append(".SH SEE ALSO")
    out += see_also(see)
    return out


def see_also(pages):
    """'.BR page (3),' lines, the last without its comma."""
    return [".BR %s (3)%s" % (esc(p), "," if k < len(pages) - 1 else "")
            for k, p in enumerate(pages)]


def overview_page(h, headers, version, description):
    out = [th("libcert", version), ".SH NAME"]
    out.append("libcert \\- " + inline(description or h.summary()))
    out += [".SH SYNOPSIS", ".nf", ".B #include <libcert/libcert.h>", ".PP",
            ".B cc app.c $(pkg\\-config \\-\\-cflags \\-\\-libs libcert)", ".fi",
            ".SH DESCRIPTION"]
    if h.intro:
        for p in h.intro.split("\n\n"):
            out.append(".PP")
            out += para(squash(p))
    out += [".PP", "Each header has a page of its own, generated from its comments:"]
    for o in sorted(headers, key=lambda x: x.page):
        if o is h:
            continue
        out += [".TP", ".BR %s (3)" % esc(o.page)]
        out += para("<libcert/%s>: %s." % (o.file, o.summary()))
    out += [".PP", "Each function also has a page under its own name, for example",
            ".BR cert_version (3)."]
    out += [".SH CONVENTIONS", ".PP"]
    out += para("Every call that can fail returns a `cert_err`: `CERT_OK` (zero) or a negative "
                "code, and cert_error_last() gives a message that names the input and the fix "
                "(libcert_error(3)). Objects are opaque: each constructor has one matching "
                "`_free()` function, which accepts NULL. Options structs start from their "
                "`CERT_..._OPTS_INIT` initialiser; a NULL options pointer means the defaults. "
                "Each function's description says which pointers are borrowed and who frees "
                "what it returns.")
    out += [".SH LINKING", ".PP"]
    out += para("With pkg-config: `pkg-config --cflags --libs libcert`, and "
                "`pkg-config --static --libs libcert` to link libcert.a. With CMake: "
                "`find_package(libcert)`, then link `libcert::shared` or `libcert::static`.")
    out.append(".SH SEE ALSO")
    out += see_also([o.page for o in sorted(headers, key=lambda x: x.page) if o is not h])
    return out


# ---- output ----------------------------------------------------------------------------------

def write(path, lines, compress):
    data = ("\n".join(lines) + "\n").encode("ascii")
    tmp = path + ".tmp"
    if compress:
        with open(tmp, "wb") as raw:
            with gzip.GzipFile(filename="", mode="wb", compresslevel=9, fileobj=raw,
                               mtime=0) as z:
                z.write(data)
    else:
        with open(tmp, "wb") as f:
            f.write(data)
    os.replace(tmp, path)


def link(target, path):
    if os.path.islink(path) and os.readlink(path) == target:
        return
    if os.path.lexists(path):
        os.unlink(path)
    os.symlink(target, path)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--out", required=True)
    ap.add_argument("--version", default="")
    ap.add_argument("--description", default="")
    ap.add_argument("--gzip", action="store_true")
    ap.add_argument("--stamp")
    ap.add_argument("headers", nargs="+")
    a = ap.parse_args()

    os.makedirs(a.out, exist_ok=True)
    headers = [Header(p) for p in sorted(a.headers)]
    ext = ".3.gz" if a.gzip else ".3"
    written = set()
    owner = {}
    for h in headers:
        if h.page == "libcert":
            lines = overview_page(h, headers, a.version, a.description)
        else:
            lines = header_page(h, headers, a.version)
        write(os.path.join(a.out, h.page + ext), lines, a.gzip)
        written.add(h.page + ext)
    for h in headers:
        for f in h.functions():
            name = f.name + ext
            if not re.fullmatch(IDENT, f.name) or name in written:
                continue
            if f.name in owner:
                print("hdr2man: %s declared in %s and %s; its page links to the first"
                      % (f.name, owner[f.name], h.file), file=sys.stderr)
                continue
            owner[f.name] = h.file
            link(h.page + ext, os.path.join(a.out, name))
            written.add(name)
    for n in os.listdir(a.out):
        if (n.endswith(".3") or n.endswith(".3.gz")) and n not in written:
            os.unlink(os.path.join(a.out, n))
    if a.stamp:
        with open(a.stamp, "w") as f:
            f.write("%d pages, %d function links\n" % (len(headers), len(owner)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
