"""The binding's view of the ABI is the header's: same struct sizes and field
offsets, same constants, and the cdef is the one generated from the header."""
import os
import re
import shutil
import subprocess
import sys

import pytest

from conftest import ROOT
from ringengine import ffi, lib
from ringengine._cdef import CDEF

HEADER = os.path.join(ROOT, "capi", "ringengine.h")
STRUCTS = ["engine_message", "engine_config", "engine_stats", "engine_info"]


def constant_names():
    return sorted(set(re.findall(r"\b(ENGINE_[A-Z0-9_]+)\b", CDEF)))


@pytest.fixture(scope="module")
def c_view(tmp_path_factory):
    """What a C compiler says of the header: {name: number}."""
    cc = shutil.which("cc") or shutil.which("gcc")
    if cc is None:
        pytest.skip("no C compiler to compare with")
    lines = ['#include <stddef.h>', '#include <stdio.h>', '#include "ringengine.h"',
             "int main(void) {"]
    for struct in STRUCTS:
        lines.append('printf("sizeof %s %%lu\\n", (unsigned long)sizeof(%s));' % (struct, struct))
        for field, _ in ffi.typeof(struct).fields:
            lines.append('printf("offsetof %s.%s %%lu\\n", (unsigned long)offsetof(%s, %s));'
                         % (struct, field, struct, field))
    for name in constant_names():
        lines.append('printf("const %s %%lld\\n", (long long)%s);' % (name, name))
    lines += ["return 0;", "}"]
    tmp = tmp_path_factory.mktemp("abi")
    source, exe = tmp / "abi.c", tmp / "abi"
    source.write_text("\n".join(lines))
    subprocess.run([cc, "-std=c99", "-I", os.path.dirname(HEADER), str(source), "-o", str(exe)],
                   check=True)
    out = subprocess.run([str(exe)], check=True, capture_output=True, text=True).stdout
    return {" ".join(l.split()[:2]): int(l.split()[2]) for l in out.splitlines()}


@pytest.mark.parametrize("struct", STRUCTS)
def test_struct_sizes_and_offsets_match_c(c_view, struct):
    assert ffi.sizeof(struct) == c_view["sizeof " + struct]
    for field, _ in ffi.typeof(struct).fields:
        assert ffi.offsetof(struct, field) == c_view["offsetof %s.%s" % (struct, field)], field


def test_constants_match_c(c_view):
    names = constant_names()
    assert "ENGINE_ERR_FULL" in names and "ENGINE_VERSION_MAJOR" in names
    for name in names:
        assert getattr(lib, name) == c_view["const " + name], name


def test_message_is_24_bytes_so_a_ring_slot_is_32():
    assert ffi.sizeof("engine_message") == 24


def test_cdef_is_generated_from_the_header(tmp_path):
    """Fails when the header changed and pyffi/gen_cdef.py was not rerun."""
    out = tmp_path / "_cdef.py"
    subprocess.run([sys.executable, os.path.join(ROOT, "pyffi", "gen_cdef.py"), HEADER, str(out)],
                   check=True)
    committed = os.path.join(ROOT, "pyffi", "ringengine", "_cdef.py")
    with open(committed) as f:
        assert out.read_text() == f.read(), "run: python3 pyffi/gen_cdef.py"


def test_library_version_matches_the_header():
    assert lib.engine_version_number() == lib.ENGINE_VERSION_NUMBER
    assert lib.engine_version_number() // 10000 == lib.ENGINE_VERSION_MAJOR


def test_library_does_not_link_libpython():
    import ringengine
    needed = subprocess.run(["readelf", "-d", ringengine.library_path],
                            check=True, capture_output=True, text=True).stdout
    assert "libpython" not in needed


def test_every_public_name_is_in_the_typed_program():
    """tests/typing/every_name.py, which mypy --strict checks, uses every name
    ringengine exports, so a new public name gets its hints checked too."""
    import ringengine
    with open(os.path.join(ROOT, "tests", "typing", "every_name.py")) as f:
        program = f.read()
    missing = [name for name in ringengine.__all__ if name not in program]
    assert missing == []
    assert os.path.exists(os.path.join(ROOT, "pyffi", "ringengine", "py.typed"))
