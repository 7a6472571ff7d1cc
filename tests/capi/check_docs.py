"""Checks that docs/c-api.md agrees with capi/ringengine.h, and the header with
the library and the message table it is built from, so neither page goes stale
when a kind, a status, a config size, a version or a function is added.

What must agree:
- the version: the header's ENGINE_VERSION_* (and the library's, loaded), the
  page's "This is ABI M.m (`ENGINE_VERSION_NUMBER` N)";
- every status code: the page's status table has each, with its number;
- every message kind: the page's kind table has each with its number and
  direction (messages.def's, and the library's engine_describe_kind());
  engine_message's member notes in the header name every kind that uses the
  member, and each kind's note names its members;
- every field of engine_config has its row in the page's configuration
  table;
- the config sizes: the sizes engine_create() accepts (tried on the library)
  are the header's ENGINE_CONFIG_SIZE_* and sizeof(engine_config); the
  page's size table lists each with its bytes; wherever the header or the
  page lists sizes, it lists them all;
- every function: declared in the header, it has its row in the page's
  table of its area (the header's "==== N. Area" banner, the page's
  "## N. Area" heading); a function, type or constant the page names is in
  the header;
- the names of the voice and bus parameters (the library's) are all in the
  header's and the page's notes of engine_param_name() and
  engine_bus_param_name();
- anywhere the page writes `ENGINE_X` (N), N is the header's number.

Usage: check_docs.py HEADER DOC MESSAGES_DEF [LIBRARY]
Without LIBRARY the checks that need the built library are skipped.
"""
import ctypes
import os
import re
import sys


# ---- Reading the header ----------------------------------------------------

def strip_comments(text):
    return re.sub(r"/\*.*?\*/", " ", text, flags=re.S)


def cdef_region(text):
    return text[text.index("/* cdef-begin */"):text.index("/* cdef-end */")]


def enum_values(text, name):
    """{NAME: value} of `typedef enum name { ... } name;`."""
    m = re.search(r"typedef enum %s \{(.*?)\} %s;" % (name, name), text, re.S)
    if m is None:
        raise SystemExit("FAIL: no enum %s in the header" % name)
    body = strip_comments(m.group(1))
    return {k: int(v) for k, v in re.findall(r"\b(ENGINE_\w+)\s*=\s*(-?\d+)", body)}


def enum_notes(text, name):
    """{NAME: its comment text} of an enum's constants."""
    m = re.search(r"typedef enum %s \{(.*?)\} %s;" % (name, name), text, re.S)
    notes, current = {}, None
    for line in m.group(1).splitlines():
        d = re.match(r"\s*(ENGINE_\w+)\s*=", line)
        if d:
            current = d.group(1)
            notes[current] = ""
        if current is not None:
            notes[current] += " " + " ".join(re.findall(r"(?:/\*|\*\*)(.*?)(?:\*/|$)", line))
    return notes


def struct_member_notes(text, name):
    """{member: its comment text} of `typedef struct name { ... } name;`."""
    m = re.search(r"typedef struct %s \{(.*?)\} %s;" % (name, name), text, re.S)
    notes, current = {}, None
    for line in m.group(1).splitlines():
        d = re.match(r"\s*(?:const\s+)?\w+[\s*]+(\w+)(?:\[\w+\])*\s*;", line)
        if d:
            current = d.group(1)
            notes[current] = ""
        if current is not None:
            notes[current] += " " + " ".join(re.findall(r"(?:/\*|\*\*)(.*?)(?:\*/|$)", line))
    return notes


def defines(text):
    return {k: int(v, 0) for k, v in
            re.findall(r"^#define (ENGINE_\w+) (-?(?:0x[0-9a-fA-F]+|\d+))u?\b", text, re.M)}


def comment_before(text, function):
    """The comment block just before `function(`'s declaration."""
    m = re.search(r"(/\*(?:(?!\*/).)*\*/)\s*\n[^;/]*?\b%s\s*\(" % function, text, re.S)
    return m.group(1) if m else ""


def header_areas(text):
    """[(number, title, {functions declared in it})], in order."""
    region = cdef_region(text)
    banners = list(re.finditer(r"/\* ==== (\d+)\. (.*?) =+ \*/", region))
    areas = []
    for i, b in enumerate(banners):
        end = banners[i + 1].start() if i + 1 < len(banners) else len(region)
        body = strip_comments(region[b.end():end])
        functions = set(re.findall(r"\b(engine_\w+)\s*\(", body))
        areas.append((int(b.group(1)), b.group(2).strip(), functions))
    return areas


# ---- Reading the page ------------------------------------------------------

def table_rows(doc, first_cell):
    """{name: [other cells]} of the rows whose first cell is `name`,
    name matching the regular expression first_cell."""
    rows = {}
    for line in doc.splitlines():
        m = re.match(r"\|\s*`(%s)`\s*\|(.*)\|\s*$" % first_cell, line)
        if m:
            rows[m.group(1)] = [c.strip() for c in m.group(2).split("|")]
    return rows


def doc_sections(doc):
    """[(heading, text)] of the page's "## " sections."""
    parts = re.split(r"^## (.*)$", doc, flags=re.M)
    return [(parts[i].strip(), parts[i + 1]) for i in range(1, len(parts), 2)]


# ---- The library -------------------------------------------------------------

class KindInfo(ctypes.Structure):
    _fields_ = [("kind", ctypes.c_uint32), ("direction", ctypes.c_uint32),
                ("name", ctypes.c_char_p), ("field_count", ctypes.c_uint32),
                ("field_names", ctypes.c_char_p * 5), ("field_members", ctypes.c_char_p * 5)]


def load(path):
    os.environ.pop("RINGENGINE_API", None)
    lib = ctypes.CDLL(path)
    lib.engine_version_string.restype = ctypes.c_char_p
    lib.engine_param_name.restype = ctypes.c_char_p
    lib.engine_bus_param_name.restype = ctypes.c_char_p
    lib.engine_config_init_size.argtypes = [ctypes.c_void_p, ctypes.c_size_t]
    lib.engine_create.argtypes = [ctypes.c_void_p, ctypes.POINTER(ctypes.c_void_p)]
    lib.engine_destroy.argtypes = [ctypes.c_void_p]
    lib.engine_describe_kind.argtypes = [ctypes.c_int, ctypes.POINTER(KindInfo), ctypes.c_size_t]
    return lib


def accepted_config_sizes(lib, offline):
    """(sizeof(engine_config), the config sizes engine_create() takes)."""
    buf = (ctypes.c_uint32 * 64)()
    lib.engine_config_init_size(buf, ctypes.sizeof(buf))
    size = buf[0]
    accepted = []
    for candidate in range(0, size + 32, 4):
        lib.engine_config_init_size(buf, ctypes.sizeof(buf))
        buf[1] = offline
        buf[0] = candidate
        handle = ctypes.c_void_p()
        if lib.engine_create(buf, ctypes.byref(handle)) == 0:
            accepted.append(candidate)
            lib.engine_destroy(handle)
    return size, accepted


def names(function):
    out, i = [], 0
    while True:
        name = function(i).decode()
        if name == "unknown":
            return out
        out.append(name)
        i += 1


# ---- The checks --------------------------------------------------------------

def main(header_path, doc_path, def_path, library=None):
    with open(header_path) as f:
        header = f.read()
    with open(doc_path) as f:
        doc = f.read()
    with open(def_path) as f:
        table = f.read()
    problems = []
    fail = problems.append
    h_doc, c_doc = os.path.basename(header_path), os.path.basename(doc_path)

    macros = defines(header)
    statuses = enum_values(header, "engine_status")
    kinds = enum_values(header, "engine_message_kind")
    backends = enum_values(header, "engine_backend")
    numbers = dict(macros)
    for enum in re.findall(r"typedef enum (\w+) \{", header):
        numbers.update(enum_values(header, enum))
    numbers.update({k: int(v) for k, v in
                    re.findall(r"enum \{ (ENGINE_\w+) = (-?\d+) \};", header)})

    # The version.
    major, minor, patch = (macros["ENGINE_VERSION_" + p] for p in ("MAJOR", "MINOR", "PATCH"))
    number = macros["ENGINE_VERSION_NUMBER"]
    if number != major * 10000 + minor * 100 + patch:
        fail("%s: ENGINE_VERSION_NUMBER %d is not %d.%d.%d" % (h_doc, number, major, minor, patch))
    m = re.search(r"This is\s+ABI (\d+)\.(\d+)\s+\(`ENGINE_VERSION_NUMBER`\s+(\d+)\)", doc)
    if m is None:
        fail("%s does not say 'This is ABI M.m (`ENGINE_VERSION_NUMBER` N)'" % c_doc)
    elif (int(m.group(1)), int(m.group(2)), int(m.group(3))) != (major, minor, number):
        fail("%s says ABI %s.%s (%s); the header is %d.%d (%d)"
             % ((c_doc,) + m.groups() + (major, minor, number)))
    for said in re.findall(r"ENGINE_VERSION_NUMBER`?\s+\(?(\d{5})\b", doc):
        if int(said) != number:
            fail("%s says ENGINE_VERSION_NUMBER %s; the header has %d" % (c_doc, said, number))

    # Status codes: the page's table has every one, with its number.
    rows = table_rows(doc, r"ENGINE_(?:OK|EMPTY|ERR_\w+)")
    for name, value in statuses.items():
        if name not in rows:
            fail("%s: the status table lacks %s (%d)" % (c_doc, name, value))
        elif rows[name][0] != str(value):
            fail("%s: the status table gives %s as %s; the header, %d"
                 % (c_doc, name, rows[name][0], value))
    for name in rows:
        if name not in statuses:
            fail("%s: the status table has %s, which the header does not" % (c_doc, name))

    # Message kinds: the header's numbers are messages.def's; the page's
    # table has each kind with its number and direction.
    directions = {"COMMAND": "command", "REPLY": "reply", "RESERVED": "reserved"}
    table_kinds = {}
    for what, kind, name, value in re.findall(r"^(COMMAND|REPLY|RESERVED)\((\w+), (\w+), (\d+)\)",
                                              table, re.M):
        table_kinds[name] = (kind, int(value), directions[what])
    for name, (_, value, _) in table_kinds.items():
        if kinds.get("ENGINE_MSG_" + name) != value:
            fail("%s: ENGINE_MSG_%s is %s; messages.def says %d"
                 % (h_doc, name, kinds.get("ENGINE_MSG_" + name), value))
    rows = table_rows(doc, r"ENGINE_MSG_\w+")
    for name, value in kinds.items():
        short = name[len("ENGINE_MSG_"):]
        if name not in rows:
            fail("%s: the message kind table lacks %s (%d)" % (c_doc, name, value))
            continue
        if rows[name][0] != str(value):
            fail("%s: the kind table gives %s as %s; the header, %d"
                 % (c_doc, name, rows[name][0], value))
        if short in table_kinds and (len(rows[name]) < 2
                                     or rows[name][1] != table_kinds[short][2]):
            fail("%s: the kind table gives %s's direction as %r; messages.def, %s"
                 % (c_doc, name, rows[name][1:2], table_kinds[short][2]))

    # engine_message's notes: each member's names every kind that uses it,
    # and each kind's note names every member it uses.
    fields = {}
    for kind, _, wire in re.findall(r"^FIELD\((\w+), (\w+), (\w+),", table, re.M):
        fields.setdefault(kind, []).append(wire)
    member_notes = struct_member_notes(header, "engine_message")
    kind_notes = enum_notes(header, "engine_message_kind")
    for name, (kind, _, _) in table_kinds.items():
        for wire in fields.get(kind, []):
            if not re.search(r"\b%s\b" % name, member_notes.get(wire, "")):
                fail("%s: engine_message.%s's note does not name %s, which carries a field in it"
                     % (h_doc, wire, name))
            if not re.search(r"\b%s\b" % wire, kind_notes.get("ENGINE_MSG_" + name, "")):
                fail("%s: ENGINE_MSG_%s's note does not say what its `%s` carries"
                     % (h_doc, name, wire))

    # Config sizes.
    size_macros = {k: v for k, v in macros.items() if k.startswith("ENGINE_CONFIG_SIZE_")}
    config_size = None
    if library is not None:
        lib = load(library)
        if lib.engine_version_number() != number:
            fail("the library is version %d; the header, %d"
                 % (lib.engine_version_number(), number))
        if lib.engine_version_string().decode() != "%d.%d.%d" % (major, minor, patch):
            fail("the library says version %s" % lib.engine_version_string().decode())
        config_size, accepted = accepted_config_sizes(lib, backends["ENGINE_BACKEND_OFFLINE"])
        expected = sorted(set(size_macros.values()) | {config_size})
        if accepted != expected:
            fail("engine_create() takes config sizes %s; the header names %s"
                 % (accepted, expected))
        for kind in range(256):
            info = KindInfo()
            if lib.engine_describe_kind(kind, ctypes.byref(info), ctypes.sizeof(info)) != 0:
                continue
            name = "ENGINE_MSG_" + info.name.decode().upper()
            if kinds.get(name) != kind:
                fail("the library describes kind %d, %s; the header has %s"
                     % (kind, info.name.decode(), kinds.get(name)))
        for what, function in (("engine_param_name", lib.engine_param_name),
                               ("engine_bus_param_name", lib.engine_bus_param_name)):
            note = comment_before(header, what)
            row = " ".join(line for line in doc.splitlines() if "`const char *%s(" % what in line)
            for name in names(function):
                if '"%s"' % name not in note:
                    fail("%s: %s()'s note does not list %r" % (h_doc, what, name))
                if '"%s"' % name not in row:
                    fail("%s: %s()'s row does not list %r" % (c_doc, what, name))
    sizes = dict(size_macros)
    if config_size is not None:
        sizes["sizeof(engine_config)"] = config_size
    rows = table_rows(doc, r"ENGINE_CONFIG_SIZE_\w+|sizeof\(engine_config\)")
    for name, value in sizes.items():
        if name not in rows:
            fail("%s: the config size table lacks %s (%d)" % (c_doc, name, value))
        elif rows[name][0] != str(value):
            fail("%s: the config size table gives %s as %s bytes; it is %d"
                 % (c_doc, name, rows[name][0], value))
    create = comment_before(header, "engine_create")
    for name, value in sizes.items():
        if not re.search(re.escape(name) + r"\s*\(%d\b" % value, create):
            fail("%s: engine_create()'s size rule does not list %s (%d)" % (h_doc, name, value))
    # Wherever sizes are listed (two or more named in one paragraph, table
    # row or comment), all of them are.
    blocks = ([b for b in re.split(r"\n\s*\n", doc)] + re.findall(r"^\|.*$", doc, re.M)
              + re.findall(r"/\*.*?\*/", header, re.S))
    for block in blocks:
        named = set(re.findall(r"ENGINE_CONFIG_SIZE_\w+", block))
        if len(named) >= 2 and named != set(size_macros):
            where = c_doc if not block.startswith("/*") else h_doc
            fail("%s lists the config sizes %s, not all of %s: %s"
                 % (where, sorted(named), sorted(size_macros), " ".join(block.split())[:160]))

    # Every field of engine_config has its row in the page's configuration
    # table (in the area of engine_create()).
    config_rows = set()
    for heading, text in doc_sections(doc):
        if heading.startswith("2. "):
            config_rows = set(re.findall(r"^\|\s*`(\w+)`", text, re.M))
    for field in struct_member_notes(header, "engine_config"):
        if field not in config_rows:
            fail("%s: the configuration table (## 2.) has no row for engine_config.%s"
                 % (c_doc, field))

    # Numbers written beside a name: `ENGINE_X` (N), with N the header's.
    for name, said in re.findall(r"`(ENGINE_\w+)`\s+\((-?\d+)[,)]", doc):
        if name in numbers and numbers[name] != int(said):
            fail("%s says %s (%s); the header, %d" % (c_doc, name, said, numbers[name]))

    # Functions: each has its row in the table of its area.
    areas = header_areas(header)
    declared = set().union(*(functions for _, _, functions in areas))
    sections = doc_sections(doc)
    headings = [h for h, _ in sections]
    for number_, title, functions in areas:
        heading = "%d. %s" % (number_, title)
        if heading not in headings:
            fail("%s has no section '## %s' for the header's area" % (c_doc, heading))
            continue
        text = dict(sections)[heading]
        rowed = set(re.findall(r"^\|\s*`[^`|]*?\b(engine_\w+)\(", text, re.M))
        for function in sorted(functions - rowed):
            fail("%s: %s() has no row in the table of '## %s'" % (c_doc, function, heading))
    for heading in headings:
        if re.match(r"\d+\. ", heading) and heading not in ["%d. %s" % a[:2] for a in areas]:
            fail("%s: section '## %s' is no area of the header" % (c_doc, heading))

    # Every name the page uses is the header's.
    header_words = set(re.findall(r"\b(?:engine|ENGINE)_\w+", cdef_region(header)))
    for name in sorted(set(re.findall(r"\bengine_\w+(?=\s*\()", doc)) - declared):
        fail("%s names %s(), which the header does not declare" % (c_doc, name))
    for name in sorted(set(re.findall(r"\b(?:engine|ENGINE)_[A-Za-z0-9_]*[A-Za-z0-9]\b(?!\*)",
                                      doc))):
        if name not in header_words:
            fail("%s names %s, which is not in the header" % (c_doc, name))
    for prefix in sorted(set(re.findall(r"\b(ENGINE_\w*?)_?\*", doc))):
        if not any(w.startswith(prefix) for w in header_words):
            fail("%s names %s*, and nothing in the header starts so" % (c_doc, prefix))

    for problem in problems:
        print("FAIL:", problem)
    print("%d functions, %d statuses, %d kinds, %d config sizes checked%s"
          % (len(declared), len(statuses), len(kinds), len(sizes),
             "" if library else " (no library: its checks skipped)"))
    return 1 if problems else 0


if __name__ == "__main__":
    if len(sys.argv) not in (4, 5):
        print(__doc__)
        sys.exit(2)
    sys.exit(main(*sys.argv[1:]))
